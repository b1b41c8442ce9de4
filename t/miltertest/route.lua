-- route.lua - routed complaints: the customer is added first, the abuse
-- desk recipient removed exactly as received, KeepCopy added, and the
-- X-Abuse-Route header says why.
dofile(HELPER)

local conn = T.message{ file = "arf-c1.eml", qid = "ROUTE1",
    rcpt = { "<abuse@provider.test>" } }
T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c1.example>"),
    "route: the customer's address is added")
T.ok(mt.eom_check(conn, MT_RCPTDELETE, "<abuse@provider.test>"),
    "route: the abuse desk recipient is removed as received")
T.ok(mt.eom_check(conn, MT_RCPTADD, "<archive@provider.test>"),
    "route: KeepCopy is added")
T.header_is(conn, "route; reason=route; ip=192.0.2.10; customer=C1; " ..
    "rule=arf-source-ip; envelope-from=<reports@reporter.example>; " ..
    "serial=1", "route")
T.close(conn)

-- Another customer, and a second message on the same connection.
conn = T.connect(nil, nil, true)
T.send(conn, { file = "arf-c1.eml", report_ip = "198.51.100.200",
    rcpt = { "<abuse@provider.test>" } })
T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c5.example>"),
    "route: 198.51.100.200 goes to C5")
T.send(conn, { file = "arf-c1.eml", report_ip = "2001:db8:10::25",
    rcpt = { "<abuse@provider.test>" } })
T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c9.example>"),
    "route: second message on the connection, IPv6 2001:db8:10::25 to C9")
T.ok(not mt.eom_check(conn, MT_RCPTADD, "<noc@c5.example>"),
    "route: nothing left over from the first message")
T.close(conn)
