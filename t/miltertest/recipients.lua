-- recipients.lua - only the abuse desk's own recipients are touched:
-- others stay, several abuse recipients all go, a message with no abuse
-- recipient is left entirely alone.
dofile(HELPER)

local conn = T.message{ file = "arf-c1.eml", report_ip = "192.0.2.70",
    name = "mixed recipients",
    rcpt = { "<sales@provider.test>", "<abuse@provider.test>",
        "<ops@elsewhere.example>" } }
T.ok(mt.eom_check(conn, MT_RCPTADD, "<abuse@c2.example>"),
    "mixed: the customer is added")
T.ok(mt.eom_check(conn, MT_RCPTDELETE, "<abuse@provider.test>"),
    "mixed: the abuse recipient is removed")
T.ok(not mt.eom_check(conn, MT_RCPTDELETE, "<sales@provider.test>"),
    "mixed: another recipient of the provider stays")
T.ok(not mt.eom_check(conn, MT_RCPTDELETE, "<ops@elsewhere.example>"),
    "mixed: an outside recipient stays")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", report_ip = "192.0.2.140",
    name = "several abuse recipients",
    rcpt = { "<Abuse@Provider.TEST>", "<security@provider.test>" } }
T.ok(mt.eom_check(conn, MT_RCPTADD, "<security@c3.example>"),
    "several: the customer is added")
T.ok(mt.eom_check(conn, MT_RCPTDELETE, "<Abuse@Provider.TEST>"),
    "several: removed exactly as received (case kept)")
T.ok(mt.eom_check(conn, MT_RCPTDELETE, "<security@provider.test>"),
    "several: the second abuse recipient is removed")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", name = "no abuse recipient",
    rcpt = { "<sales@provider.test>" } }
T.unchanged(conn, "no abuse recipient")
T.ok(not mt.eom_check(conn, MT_HDRADD, "X-Abuse-Route"),
    "no abuse recipient: no header added")
T.close(conn)

conn = T.message{ file = "arf-c1.eml", name = "look-alike recipient",
    rcpt = { "<abuse@provider.test.example>", "<xabuse@provider.test>" } }
T.unchanged(conn, "look-alike recipients")
T.close(conn)
