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
