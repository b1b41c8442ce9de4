-- ratelimit.lua - RateLimit 3/1h: the fourth complaint for one customer
-- in the hour stays at the desk; another customer is not affected.
dofile(HELPER)

local conn = T.connect(nil, nil, true)
for i = 1, 3 do
    T.send(conn, { file = "arf-c1.eml", report_ip = "203.0.113.140",
        rcpt = { "<abuse@provider.test>" } })
    T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c8.example>"),
        "rate limit: complaint " .. i .. " of 3 is routed")
end
T.send(conn, { file = "arf-c1.eml", report_ip = "203.0.113.140",
    rcpt = { "<abuse@provider.test>" } })
T.unchanged(conn, "rate limit: the fourth")
T.header_is(conn, "keep; reason=rate-limit; ip=203.0.113.140; " ..
    "customer=C8; rule=arf-source-ip; serial=1", "rate limit")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", report_ip = "198.51.100.20",
    name = "other customer", rcpt = { "<abuse@provider.test>" } }
T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c4.example>"),
    "rate limit: another customer still routes")
T.close(conn)
