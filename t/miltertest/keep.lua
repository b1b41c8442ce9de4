-- keep.lua - complaints that stay at the abuse desk: no recipient is
-- changed, the header says why.
dofile(HELPER)

local conn = T.message{ file = "noip.eml", name = "no-ip",
    rcpt = { "<abuse@provider.test>" } }
T.unchanged(conn, "no-ip")
T.header_is(conn, "keep; reason=no-ip; serial=1", "no-ip")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", report_ip = "203.0.113.200",
    name = "unknown-ip", rcpt = { "<abuse@provider.test>" } }
T.unchanged(conn, "unknown-ip")
T.header_is(conn, "keep; reason=unknown-ip; ip=203.0.113.200; " ..
    "rule=arf-source-ip; serial=1", "unknown-ip")
T.close(conn)

-- A keep rule holds a complaint an authoritative Source-IP would route:
-- no recipient changes, the header names the rule.
conn = T.message{ file = "arf-c1.eml", name = "held", qid = "HELD1",
    rcpt = { "<abuse@provider.test>" },
    extra = { { "Subject", "Subpoena for subscriber records" } } }
T.unchanged(conn, "held")
T.header_is(conn, "keep; reason=held; ip=192.0.2.10; customer=C1; " ..
    "rule=law-enforcement-en; serial=1", "held by a keep rule")
T.close(conn)

-- KeepSenders holds by the envelope sender.
conn = T.message{ file = "arf-c1.eml", name = "held-sender",
    from = "<officer@cyber.police.example>",
    rcpt = { "<abuse@provider.test>" } }
T.unchanged(conn, "held-sender")
T.header_is(conn, "keep; reason=held; ip=192.0.2.10; customer=C1; " ..
    "rule=KeepSenders; serial=1", "held by KeepSenders")
T.close(conn)
