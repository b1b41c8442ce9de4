-- policy.lua - loop and abuse protections: Auto-Submitted and the
-- customer as sender keep the complaint at the desk.
dofile(HELPER)

local conn = T.message{ file = "arf-c1.eml", report_ip = "203.0.113.70",
    name = "auto-notified",
    extra = { { "Auto-Submitted", "auto-notified" } },
    rcpt = { "<abuse@provider.test>" } }
T.unchanged(conn, "auto-notified")
T.header_is(conn, "keep; reason=auto-submitted; ip=203.0.113.70; " ..
    "customer=C7; rule=arf-source-ip; serial=1", "auto-notified")
T.close(conn)

-- an automatic answer is no complaint (kind.h), whatever it names
conn = T.message{ file = "arf-c1.eml", report_ip = "203.0.113.70",
    name = "auto-replied",
    extra = { { "Auto-Submitted", "auto-replied" } },
    rcpt = { "<abuse@provider.test>" } }
T.unchanged(conn, "auto-replied")
T.header_is(conn, "keep; reason=auto-reply; ip=203.0.113.70; " ..
    "customer=C7; rule=arf-source-ip; serial=1", "auto-replied")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", report_ip = "203.0.113.70",
    name = "auto-generated",
    extra = { { "Auto-Submitted", "auto-generated" } },
    rcpt = { "<abuse@provider.test>" } }
T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c7.example>"),
    "auto-generated (an automated reporter) is routed")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", report_ip = "203.0.113.70",
    name = "customer as envelope sender", from = "<NOC@c7.example>",
    rcpt = { "<abuse@provider.test>" } }
T.unchanged(conn, "customer as envelope sender")
T.header_is(conn, "keep; reason=customer-sender; ip=203.0.113.70; " ..
    "customer=C7; rule=arf-source-ip; serial=1", "customer-sender")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", report_ip = "203.0.113.70",
    name = "customer in From",
    extra = { { "From", "C7 NOC <noc@c7.example>" } },
    rcpt = { "<abuse@provider.test>" } }
T.unchanged(conn, "customer in From")
T.close(conn)
