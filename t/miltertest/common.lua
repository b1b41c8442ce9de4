-- common.lua - the session boilerplate shared by the miltertest scripts
-- of abuse-milter.  t/test_miltertest.sh runs each script with
--   miltertest -D SOCKET=inet:PORT@127.0.0.1 -D HELPER=this file
--              -D FIXTURES=directory of the .eml files -s script.lua
-- and numbers the "ok" / "not ok" lines the scripts print (TAP).

T = {}

-- Report one check; returns cond.
function T.ok(cond, what)
    if cond then
        print("ok - " .. what)
    else
        print("not ok - " .. what)
    end
    return cond
end

-- Stop the script: a protocol step failed.
function T.fail(what, err)
    print("not ok - " .. what .. ": " .. tostring(err))
    error(what)
end

-- Read a fixture: returns a list of {name, value} headers and the body
-- (with CRLF line ends, as an MTA sends it).  When ip is given, it
-- replaces the fixture's 192.0.2.10 everywhere.
function T.fixture(name, ip)
    local f = io.open(FIXTURES .. "/" .. name, "r")
    if f == nil then
        T.fail("open fixture " .. name, "missing")
    end
    local text = f:read("*a")
    f:close()
    text = text:gsub("\r\n", "\n")
    if ip ~= nil then
        text = text:gsub("192%.0%.2%.10", ip)
    end
    local head, body = text:match("^(.-)\n\n(.*)$")
    if head == nil then
        head, body = text, ""
    end
    local headers = {}
    for line in (head .. "\n"):gmatch("(.-)\n") do
        if line:match("^[ \t]") and #headers > 0 then
            local h = headers[#headers]
            h[2] = h[2] .. "\r\n" .. line
        else
            local n, v = line:match("^([^:]+):[ \t]*(.*)$")
            if n ~= nil then
                headers[#headers + 1] = { n, v }
            end
        end
    end
    return headers, (body:gsub("\n", "\r\n"))
end

-- Every protocol option an MTA may offer (SMFI_CURR_PROT of libmilter).
T.ALL_PROT = 0x1FFFFF

-- Open a milter session from an SMTP client at ip (with HELO name helo).
-- With several true, the session will carry several messages: miltertest
-- forgets the changes asked for at one end of message only when the next
-- MAIL FROM is sent, so SMFIP_NOMAIL is not offered then.
function T.connect(ip, helo, several)
    local conn = mt.connect(SOCKET, 40, 0.25)
    if conn == nil then
        T.fail("connect to " .. SOCKET, "refused")
    end
    if several then
        local err = mt.negotiate(conn, nil, T.ALL_PROT - SMFIP_NOMAIL, nil)
        if err ~= nil then
            T.fail("negotiate", err)
        end
    end
    -- Without SPF the milter asks the MTA not to send these steps.
    if not mt.test_option(conn, SMFIP_NOCONNECT) then
        local err = mt.conninfo(conn, "client.example", ip or "192.0.2.250")
        if err ~= nil then
            T.fail("conninfo", err)
        end
    end
    if not mt.test_option(conn, SMFIP_NOHELO) then
        local err = mt.helo(conn, helo or "client.example")
        if err ~= nil then
            T.fail("helo", err)
        end
    end
    return conn
end

-- Send one message through conn: m.from (envelope sender), m.rcpt (list
-- of RCPT TO, as sent), m.file (fixture), m.report_ip (the offending IP
-- put in the fixture), m.extra (headers put before the fixture's), m.qid
-- (queue ID).  Returns after the end of message; the changes asked for
-- are then checked with mt.eom_check.
function T.send(conn, m)
    local headers, body = T.fixture(m.file, m.report_ip)
    T.last_rcpt = m.rcpt
    local from = m.from or "<reports@reporter.example>"
    -- As Postfix does: the MAIL macros go even when the step is skipped,
    -- and {mail_addr} is the sender without its angle brackets.
    mt.macro(conn, SMFIC_MAIL, "i", m.qid or "TESTQID",
        "{mail_addr}", (from:gsub("^<(.*)>$", "%1")))
    local err = nil
    if not mt.test_option(conn, SMFIP_NOMAIL) then
        err = mt.mailfrom(conn, from)
    end
    if err ~= nil then
        T.fail("mailfrom", err)
    end
    for _, r in ipairs(m.rcpt) do
        err = mt.rcptto(conn, r)
        if err ~= nil then
            T.fail("rcptto " .. r, err)
        end
    end
    for _, h in ipairs(m.extra or {}) do
        err = mt.header(conn, h[1], h[2])
        if err ~= nil then
            T.fail("header " .. h[1], err)
        end
    end
    for _, h in ipairs(headers) do
        err = mt.header(conn, h[1], h[2])
        if err ~= nil then
            T.fail("header " .. h[1], err)
        end
    end
    err = mt.bodystring(conn, body)
    if err ~= nil then
        T.fail("body", err)
    end
    err = mt.eom(conn)
    if err ~= nil then
        T.fail("eom", err)
    end
    return conn
end

-- The X-Abuse-Route value the milter added, or nil.
function T.route_header(conn)
    return mt.getheader(conn, "X-Abuse-Route", 0)
end

-- A whole session with one message; returns conn after the message.
function T.message(m)
    local conn = T.connect(m.ip, m.helo)
    T.send(conn, m)
    T.ok(mt.getreply(conn) == SMFIR_CONTINUE,
        (m.name or m.file) .. ": the message is accepted as it is")
    return conn
end

-- Every address the milter could add: the customers of map.csv and the
-- KeepCopy of the test configuration.
function T.addable()
    local list = { "<archive@provider.test>" }
    for line in io.lines(FIXTURES .. "/map.csv") do
        local addr = line:match("^[^,]+,[^,]+,([^,]+@[^,]+),")
        if addr ~= nil then
            list[#list + 1] = "<" .. addr .. ">"
        end
    end
    return list
end

-- Check that the last message sent was left alone: none of the
-- addresses the milter could add was added, none of its recipients
-- removed.
function T.unchanged(conn, what)
    local added, removed = {}, {}
    local rcpt = T.last_rcpt or {}
    for _, a in ipairs(T.addable()) do
        if mt.eom_check(conn, MT_RCPTADD, a) then
            added[#added + 1] = a
        end
    end
    for _, r in ipairs(rcpt) do
        if mt.eom_check(conn, MT_RCPTDELETE, r) then
            removed[#removed + 1] = r
        end
    end
    if not T.ok(#added == 0, what .. ": no recipient added") then
        print("# added: " .. table.concat(added, " "))
    end
    if not T.ok(#removed == 0, what .. ": no recipient removed") then
        print("# removed: " .. table.concat(removed, " "))
    end
end

-- Check the X-Abuse-Route header added.
function T.header_is(conn, want, what)
    local got = T.route_header(conn)
    if not T.ok(got == want, what .. ": X-Abuse-Route: " .. want) then
        print("# got: " .. tostring(got))
    end
end

-- Close a session.
function T.close(conn)
    mt.disconnect(conn)
end
