-- reload.lua - run before and after the configuration changes: PHASE
-- "before" (desk@provider.test is not an abuse recipient yet) and
-- "after" (it is, after SIGHUP; also after a broken file is refused).
dofile(HELPER)

local conn = T.message{ file = "arf-c1.eml", report_ip = "192.0.2.20",
    name = "reload " .. PHASE, rcpt = { "<desk@provider.test>" } }
if PHASE == "before" then
    T.unchanged(conn, "reload before: desk@ is not an abuse recipient")
else
    T.ok(mt.eom_check(conn, MT_RCPTADD, "<noc@c1.example>"),
        "reload " .. PHASE .. ": desk@ is an abuse recipient now")
end
T.close(conn)
