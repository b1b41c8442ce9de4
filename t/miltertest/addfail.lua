-- addfail.lua - run against a daemon whose smfi_addrcpt() always fails
-- (t/faults/addrcpt_fail.c): a route that cannot add the customer keeps
-- the complaint at the desk and removes no recipient, so the message is
-- never left without one.
dofile(HELPER)

local conn = T.message{ file = "arf-c1.eml", qid = "ADDFAIL1",
    rcpt = { "<abuse@provider.test>" } }
T.ok(not mt.eom_check(conn, MT_RCPTDELETE, "<abuse@provider.test>"),
    "add failed: the desk recipient is not removed")
T.header_is(conn, "keep; reason=internal-error; ip=192.0.2.10; " ..
    "customer=C1; rule=arf-source-ip; serial=1", "add failed")
T.close(conn)
