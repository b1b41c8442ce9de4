-- negotiate.lua - the milter asks only for the actions it uses, and for
-- no reply (or no event at all) at every step but the end of message.
dofile(HELPER)

local conn = T.connect()
for _, a in ipairs({ { SMFIF_ADDRCPT, "SMFIF_ADDRCPT" },
    { SMFIF_DELRCPT, "SMFIF_DELRCPT" }, { SMFIF_ADDHDRS, "SMFIF_ADDHDRS" },
    { SMFIF_CHGHDRS, "SMFIF_CHGHDRS" }, { SMFIF_CHGFROM, "SMFIF_CHGFROM" } }) do
    T.ok(mt.test_action(conn, a[1]), "negotiate: asks for " .. a[2])
end
for _, a in ipairs({ { SMFIF_CHGBODY, "SMFIF_CHGBODY" },
    { SMFIF_QUARANTINE, "SMFIF_QUARANTINE" } }) do
    T.ok(not mt.test_action(conn, a[1]), "negotiate: never " .. a[2])
end
for _, p in ipairs({ { SMFIP_NR_CONN, "SMFIP_NR_CONN" },
    { SMFIP_NR_HELO, "SMFIP_NR_HELO" }, { SMFIP_NR_MAIL, "SMFIP_NR_MAIL" },
    { SMFIP_NR_RCPT, "SMFIP_NR_RCPT" }, { SMFIP_NR_HDR, "SMFIP_NR_HDR" },
    { SMFIP_NR_BODY, "SMFIP_NR_BODY" }, { SMFIP_NOEOH, "SMFIP_NOEOH" },
    { SMFIP_NODATA, "SMFIP_NODATA" }, { SMFIP_NOUNKNOWN, "SMFIP_NOUNKNOWN" } }) do
    T.ok(mt.test_option(conn, p[1]), "negotiate: " .. p[2])
end
-- This daemon runs with SPFPolicy off: it needs neither step.
T.ok(mt.test_option(conn, SMFIP_NOCONNECT), "negotiate: SMFIP_NOCONNECT without SPF")
T.ok(mt.test_option(conn, SMFIP_NOHELO), "negotiate: SMFIP_NOHELO without SPF")
T.ok(mt.test_option(conn, SMFIP_NOMAIL), "negotiate: SMFIP_NOMAIL without SPF")
T.close(conn)
