-- negotiate_tcp.lua - over TCP the milter asks for a reply at every step
-- and skips none that carries macros: a step without a reply would leave
-- the MTA's write waiting for the delayed ACK (milter.h).
dofile(HELPER)

local conn = T.connect()
for _, p in ipairs({ { SMFIP_NR_CONN, "SMFIP_NR_CONN" },
    { SMFIP_NR_HELO, "SMFIP_NR_HELO" }, { SMFIP_NR_MAIL, "SMFIP_NR_MAIL" },
    { SMFIP_NR_RCPT, "SMFIP_NR_RCPT" }, { SMFIP_NR_HDR, "SMFIP_NR_HDR" },
    { SMFIP_NR_BODY, "SMFIP_NR_BODY" }, { SMFIP_NOEOH, "SMFIP_NOEOH" },
    { SMFIP_NODATA, "SMFIP_NODATA" }, { SMFIP_NOCONNECT, "SMFIP_NOCONNECT" },
    { SMFIP_NOHELO, "SMFIP_NOHELO" }, { SMFIP_NOMAIL, "SMFIP_NOMAIL" } }) do
    T.ok(not mt.test_option(conn, p[1]), "negotiate over TCP: no " .. p[2])
end
T.close(conn)

-- Over TCP, mail for no abuse desk recipient is accepted at DATA: the
-- rest of it costs no more steps.
conn = T.connect()
mt.macro(conn, SMFIC_MAIL, "i", "TESTQID", "{mail_addr}", "a@sender.example")
T.ok(mt.mailfrom(conn, "<a@sender.example>") == nil, "mail from")
T.ok(mt.rcptto(conn, "<user@elsewhere.example>") == nil, "rcpt to")
T.ok(mt.data(conn) == nil, "data")
T.ok(mt.getreply(conn) == SMFIR_ACCEPT,
    "over TCP, mail for no abuse desk is accepted at DATA")
T.close(conn)
