-- header.lua - an X-Abuse-Route header that came with the message is
-- removed (every one of them), and the milter's own is added.
dofile(HELPER)

local conn = T.message{ file = "arf-c1.eml", report_ip = "203.0.113.10",
    name = "forged header",
    extra = { { "X-Abuse-Route", "route; customer=C8; forged" },
        { "x-abuse-route", "keep; reason=none" } },
    rcpt = { "<abuse@provider.test>" } }
T.ok(mt.eom_check(conn, MT_HDRDELETE, "X-Abuse-Route"),
    "forged: the arriving X-Abuse-Route headers are removed")
T.ok(mt.eom_check(conn, MT_HDRADD, "X-Abuse-Route"),
    "forged: the milter's header is added")
T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c6.example>"),
    "forged: the forged header does not steer the route")
T.header_is(conn, "route; reason=route; ip=203.0.113.10; customer=C6; " ..
    "rule=arf-source-ip; envelope-from=<reports@reporter.example>; " ..
    "serial=1", "forged")
T.close(conn)

conn = T.message{ file = "noip.eml", name = "forged header on a keep",
    extra = { { "X-Abuse-Route", "route; customer=C1" } },
    rcpt = { "<abuse@provider.test>" } }
T.ok(mt.eom_check(conn, MT_HDRDELETE, "X-Abuse-Route"),
    "forged on a keep: removed too")
T.header_is(conn, "keep; reason=no-ip; serial=1", "forged on a keep")
T.close(conn)
