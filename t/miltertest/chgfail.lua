-- chgfail.lua - run against a daemon whose smfi_chgfrom() always fails
-- (t/faults/milter_fail.c): the route goes on with the reporter's sender,
-- the customer added and the desk recipient removed.
dofile(HELPER)

local conn = T.message{ file = "arf-c1.eml", qid = "CHGFAIL1",
    rcpt = { "<abuse@provider.test>" } }
T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c1.example>"),
    "sender change failed: the customer is added")
T.ok(mt.eom_check(conn, MT_RCPTDELETE, "<abuse@provider.test>"),
    "sender change failed: the desk recipient is removed")
T.close(conn)
