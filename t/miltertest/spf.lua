-- spf.lua - SPFPolicy route-unless-fail against a DNS server on
-- loopback: pass routes, fail stays (spf-fail), a DNS timeout is
-- temperror and routes.
dofile(HELPER)

-- SPF needs the client address, the HELO name and MAIL FROM as sent.
local probe = T.connect("192.0.2.250", "helo.reporter.test")
T.ok(not mt.test_option(probe, SMFIP_NOCONNECT) and
    not mt.test_option(probe, SMFIP_NOHELO) and
    not mt.test_option(probe, SMFIP_NOMAIL),
    "with SPF the connect, HELO and MAIL steps are asked for")
T.close(probe)

local conn = T.message{ file = "arf-c1.eml", ip = "192.0.2.250",
    helo = "helo.reporter.test", from = "<fbl@reporter.test>",
    name = "spf pass", rcpt = { "<abuse@provider.test>" } }
T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c1.example>"),
    "spf pass: routed")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", ip = "192.0.2.250",
    helo = "helo.reporter.test", from = "<fbl@forger.test>",
    name = "spf fail", rcpt = { "<abuse@provider.test>" } }
T.unchanged(conn, "spf fail")
T.header_is(conn, "keep; reason=spf-fail; ip=192.0.2.10; customer=C1; " ..
    "rule=arf-source-ip; serial=1", "spf fail")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", ip = "203.0.113.250",
    helo = "helo.reporter.test", from = "<>",
    name = "spf fail of the HELO name", rcpt = { "<abuse@provider.test>" } }
T.unchanged(conn, "spf fail of the HELO name (null sender)")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", ip = "192.0.2.250",
    helo = "mail.nowhere.test", from = "<fbl@slow.test>",
    name = "spf temperror", rcpt = { "<abuse@provider.test>" } }
T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c1.example>"),
    "spf temperror (DNS timeout): routed under route-unless-fail")
T.close(conn)
