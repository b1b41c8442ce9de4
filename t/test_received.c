/*
 * test_received.c - the Received walk (received.c) over the grammar of
 * each MTA family: Postfix, Sendmail, Exim, Exchange and Microsoft 365,
 * qmail, Gmail, Yahoo, OpenSMTPD, Haraka, and amavis or localhost hops.
 *
 * Each row is a chain (unfolded Received fields, top first, written after
 * the formats the MTAs write, with documentation addresses and example
 * domains), the complaint's sender domain, and what the walk must give:
 * the hand-off's client address ("" for none), its hop and family, and
 * the contested addresses.  For each family there is a plain hop, a HELO
 * literal naming another address (never taken), IPv6, an authenticated
 * submission, an internal (localhost, amavis) hop and a forged one; then
 * chains with the reporter's relays on top and the sender's own hops
 * below the hand-off.
 *
 * The rules are the shipped ones (rules/abuse.rules under $top_srcdir).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipaddr.h"
#include "received.h"
#include "rules.h"
#include "rules_int.h"
#include "tap.h"

/* Stamps, newest on top. */
#define D3 "; Mon, 4 Mar 2024 10:00:03 +0000\n"
#define D2 "; Mon, 4 Mar 2024 10:00:02 +0000\n"
#define D1 "; Mon, 4 Mar 2024 10:00:01 +0000\n"
#define D0 "; Mon, 4 Mar 2024 10:00:00 +0000\n"

/* A hop the sender's MTA wrote below a forged one (its own word). */
#define BELOW "Received: from a.example (a.example [192.0.2.60]) " \
	"by relay.spam.example (Postfix) with ESMTP id 9" D0

struct rcase {
	const char	*name;
	const char	*hdrs;
	const char	*sdom;		/* the complaint's sender domain */
	const char	*ip;		/* the hand-off's client, "" none */
	int		 port;		/* -1 none */
	int		 hop;		/* -1: not checked */
	const char	*family;	/* NULL: not checked */
	const char	*contested;	/* "a,b", "" none */
};

static const struct rcase cases[] = {
	/* ---- Postfix: "from helo (rdns [address])" */
	{ "postfix: plain hop",
	  "Received: from mail.sender.example (mail.sender.example "
	  "[203.0.113.71]) by mx.reporter.example (Postfix) with ESMTPS id "
	  "4Tq1" D1, "", "203.0.113.71", -1, 0, "postfix", "" },
	{ "postfix: a HELO literal naming another address is not taken",
	  "Received: from [192.0.2.44] (unknown [203.0.113.71]) by "
	  "mx.reporter.example (Postfix) with ESMTP id 4Tq1" D1,
	  "", "203.0.113.71", -1, 0, "postfix", "" },
	{ "postfix: a HELO written as a recorded group is not taken",
	  "Received: from ([192.0.2.44]) (unknown [203.0.113.71]) by "
	  "mx.reporter.example (Postfix) with ESMTP id 4Tq1" D1,
	  "", "203.0.113.71", -1, 0, "postfix", "" },
	{ "postfix: a HELO with an unbalanced parenthesis hides nothing",
	  "Received: from x([192.0.2.44] (unknown [203.0.113.71]) by "
	  "mx.reporter.example (Postfix) with ESMTP id 4Tq1" D1,
	  "", "203.0.113.71", -1, 0, "postfix", "" },
	{ "postfix: IPv6 literal",
	  "Received: from mail.sender.example (mail.sender.example "
	  "[IPv6:2001:db8:5::71]) by mx.reporter.example (Postfix) with "
	  "ESMTPS id 4Tq1" D1, "", "2001:db8:5::71", -1, 0, "postfix", "" },
	{ "postfix: ESMTPA as the HELO name is no authentication",
	  "Received: from ESMTPA (unknown [203.0.113.71]) by "
	  "mx.reporter.example (Postfix) with ESMTP id 4Tq1" D1,
	  "", "203.0.113.71", -1, 0, "postfix", "" },
	{ "postfix: the reporter's user's submission names no dial-up",
	  "Received: from [192.168.1.5] (dsl-203-0-113-9.dial.example "
	  "[203.0.113.9]) (Authenticated sender: u) by smtp.reporter.example "
	  "(Postfix) with ESMTPSA id 4Tq1" D1, "", "", -1, -1, NULL, "" },
	{ "postfix: a submission names the server that accepted it",
	  "Received: from smtp.sender.example (smtp.sender.example "
	  "[198.51.100.25]) by mx.reporter.example (Postfix) with ESMTPS "
	  "id 4Tq1" D2
	  "Received: from [192.168.1.5] (dsl-203-0-113-9.dial.example "
	  "[203.0.113.9]) by smtp.sender.example (Postfix) with ESMTPSA "
	  "id 7Zz" D1, "sender.example", "198.51.100.25", -1, 0, "postfix",
	  "" },
	{ "postfix: localhost and amavis hops are the reporter's",
	  "Received: from localhost (localhost [127.0.0.1]) by "
	  "mx.reporter.example (Postfix) with ESMTP id B1" D3
	  "Received: from mx.reporter.example ([127.0.0.1]) by localhost "
	  "(mx.reporter.example [127.0.0.1]) (amavisd-new, port 10024) with "
	  "ESMTP id C1" D2
	  "Received: from mail.sender.example (mail.sender.example "
	  "[203.0.113.71]) by mx.reporter.example (Postfix) with ESMTP id "
	  "D1" D1, "", "203.0.113.71", -1, 2, "postfix", "" },
	{ "postfix: a client naming itself the reporter is contested",
	  "Received: from mx.reporter.example (unknown [203.0.113.71]) by "
	  "mx.reporter.example (Postfix) with ESMTP id 4Tq1" D1 BELOW,
	  "", "192.0.2.60", -1, 1, "postfix", "203.0.113.71" },

	/* ---- Sendmail: "from helo ([ident@]rdns [address])" */
	{ "sendmail: plain hop",
	  "Received: from mail.sender.example (mail.sender.example "
	  "[203.0.113.71]) by mx.reporter.example (8.17.1/8.17.1) with ESMTP "
	  "id 424A1" D1, "", "203.0.113.71", -1, 0, "sendmail", "" },
	{ "sendmail: a HELO literal naming another address is not taken",
	  "Received: from [192.0.2.44] (dsl.sender.example [203.0.113.71]) "
	  "by mx.reporter.example (8.17.1/8.17.1) with ESMTP id 424A1" D1,
	  "", "203.0.113.71", -1, 0, "sendmail", "" },
	{ "sendmail: IPv6 literal, ident user",
	  "Received: from mail.sender.example (u@mail.sender.example "
	  "[IPv6:2001:db8:5::71]) by mx.reporter.example (8.17.1/8.17.1) "
	  "with ESMTP id 424A1" D1, "", "2001:db8:5::71", -1, 0, "sendmail",
	  "" },
	{ "sendmail: without a HELO name",
	  "Received: from mail.sender.example [203.0.113.71] by "
	  "mx.reporter.example (8.17.1/8.17.1) with SMTP id 424A1" D1,
	  "", "203.0.113.71", -1, 0, "sendmail", "" },
	{ "sendmail: an authenticated user of the reporter names no dial-up",
	  "Received: from [192.168.1.5] (dsl.dial.example [203.0.113.9]) "
	  "(authenticated bits=0) by smtp.reporter.example (8.17.1/8.17.1) "
	  "with ESMTPSA id 424A1" D1, "", "", -1, -1, NULL, "" },
	{ "sendmail: a localhost hop is the reporter's",
	  "Received: from localhost (localhost [127.0.0.1]) by "
	  "mx.reporter.example (8.17.1/8.17.1) with ESMTP id 424A2" D2
	  "Received: from mail.sender.example (mail.sender.example "
	  "[203.0.113.71]) by mx.reporter.example (8.17.1/8.17.1) with ESMTP "
	  "id 424A1" D1, "", "203.0.113.71", -1, 1, "sendmail", "" },
	{ "sendmail: a \"may be forged\" name of the reporter is contested",
	  "Received: from mx.reporter.example (fake.reporter.example "
	  "[203.0.113.71] (may be forged)) by mx.reporter.example "
	  "(8.17.1/8.17.1) with ESMTP id 424A1" D1 BELOW,
	  "", "192.0.2.60", -1, 1, "postfix", "203.0.113.71" },

	/* ---- Exim: "rdns ([address]:port helo=x)", "[address] (helo=x)" */
	{ "exim: plain hop",
	  "Received: from mail.sender.example ([203.0.113.71] "
	  "helo=mail.sender.example) by mx.reporter.example with esmtps "
	  "(TLS1.3) tls TLS_AES_256_GCM_SHA384 (Exim 4.96) (envelope-from "
	  "<a@sender.example>) id 1rA-0001" D1,
	  "", "203.0.113.71", -1, 0, "exim", "" },
	{ "exim: a HELO literal naming another address is not taken",
	  "Received: from [203.0.113.71] (helo=[192.0.2.44]) by "
	  "mx.reporter.example with esmtp (Exim 4.96) id 1rA-0001" D1,
	  "", "203.0.113.71", -1, 0, "exim", "" },
	{ "exim: the port after the literal, a HELO literal after it",
	  "Received: from mail.sender.example ([203.0.113.71]:50123 "
	  "helo=[192.0.2.44]) by mx.reporter.example with esmtp (Exim 4.96) "
	  "id 1rA-0001" D1, "", "203.0.113.71", 50123, 0, "exim", "" },
	{ "exim: without a DNS name, the port after the lead",
	  "Received: from [203.0.113.71]:50123 (helo=[192.0.2.44]) by "
	  "mx.reporter.example with esmtp (Exim 4.96) id 1rA-0001" D1,
	  "", "203.0.113.71", 50123, 0, "exim", "" },
	{ "exim: a helo= literal is never taken, even alone (it may keep)",
	  "Received: from mail.sender.example (helo=[192.0.2.44]) by "
	  "mx.reporter.example with esmtp (Exim 4.96) id 1rA-0001" D1,
	  "", "", -1, -1, NULL, "192.0.2.44" },
	/* ---- a hop no grammar places stops the walk: the hops below it
	 * may be the client's own writing */
	{ "unplaced: a HELO literal alone stops the walk above forged hops",
	  "Received: from mx.relay.example (EHLO [192.0.2.44]) by "
	  "mx.reporter.example with SMTP" D1
	  "Received: from a.example (a.example [198.51.100.5]) by "
	  "mx.relay.example (Postfix) with ESMTP id 1" D2,
	  "", "", -1, -1, NULL, "192.0.2.44" },
	{ "unplaced: an address lead under an unknown MTA stops the walk",
	  "Received: from 203.0.113.9 by mx.reporter.example with SMTP" D1
	  "Received: from a.example (a.example [198.51.100.5]) by "
	  "203.0.113.9 (Postfix) with ESMTP id 1" D2,
	  "", "203.0.113.9", -1, 0, NULL, "" },
	{ "exim: IPv6",
	  "Received: from mail.sender.example ([2001:db8:5::71] "
	  "helo=mail.sender.example) by mx.reporter.example with esmtp "
	  "(Exim 4.96) id 1rA-0001" D1, "", "2001:db8:5::71", -1, 0, "exim",
	  "" },
	{ "exim: an authenticated user of the reporter names no dial-up",
	  "Received: from [203.0.113.9] (helo=[192.168.1.5]) by "
	  "smtp.reporter.example with esmtpsa (TLS1.3) tls "
	  "TLS_AES_256_GCM_SHA384 (Exim 4.96) id 1rA-0001" D1,
	  "", "", -1, -1, NULL, "" },
	{ "exim: a localhost hop is the reporter's",
	  "Received: from localhost ([127.0.0.1] helo=localhost) by "
	  "mx.reporter.example with esmtp (Exim 4.96) id 1rA-0002" D2
	  "Received: from [203.0.113.71] (helo=[192.0.2.44]) by "
	  "mx.reporter.example with esmtp (Exim 4.96) id 1rA-0001" D1,
	  "", "203.0.113.71", -1, 1, "exim", "" },
	{ "exim: a HELO naming the reporter is contested",
	  "Received: from [203.0.113.71] (helo=mx.reporter.example) by "
	  "mx.reporter.example with esmtp (Exim 4.96) id 1rA-0001" D1 BELOW,
	  "", "192.0.2.60", -1, 1, "postfix", "203.0.113.71" },

	/* ---- Exchange, Microsoft 365: "helo (address)" */
	{ "exchange: plain hop",
	  "Received: from mail.sender.example (203.0.113.71) by "
	  "EXCH2.reporter.example (198.51.100.9) with Microsoft SMTP Server "
	  "(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id "
	  "15.1.2507.6" D1, "", "203.0.113.71", -1, 0, "exchange", "" },
	{ "exchange: a HELO literal naming another address is not taken",
	  "Received: from [192.0.2.44] (203.0.113.71) by "
	  "EXCH2.reporter.example (198.51.100.9) with Microsoft SMTP Server "
	  "id 15.1.2507.6" D1, "", "203.0.113.71", -1, 0, "exchange", "" },
	{ "microsoft 365: IPv6",
	  "Received: from mail.sender.example (2001:db8:5::71) by "
	  "BN8NAM11FT.mail.protection.example (2001:db8:aa::96) with "
	  "Microsoft SMTP Server (version=TLS1_2, "
	  "cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7452.22 "
	  "via Frontend Transport" D1, "", "2001:db8:5::71", -1, 0,
	  "exchange", "" },
	{ "exchange: the organisation's internal hops are the reporter's "
	  "(the private one not vouched for)",
	  "Received: from EXCH1.reporter.local (10.1.0.5) by "
	  "EXCH2.reporter.local (10.1.0.6) with Microsoft SMTP Server id "
	  "15.1.2507.6" D3
	  "Received: from localhost (127.0.0.1) by EXCH1.reporter.local "
	  "(10.1.0.5) with Microsoft SMTP Server id 15.1.2507.6" D2
	  "Received: from [192.0.2.44] (203.0.113.71) by EXCH1.reporter.local "
	  "(10.1.0.5) with Microsoft SMTP Server id 15.1.2507.6" D1,
	  "", "203.0.113.71", -1, 2, "exchange", "10.1.0.5" },
	{ "exchange: a HELO naming the reporter is contested",
	  "Received: from mx.reporter.example (203.0.113.71) by "
	  "EXCH2.reporter.example (198.51.100.9) with Microsoft SMTP Server "
	  "id 15.1.2507.6" D1 BELOW,
	  "", "192.0.2.60", -1, 1, "postfix", "203.0.113.71" },

	/* ---- qmail: "remotehost (HELO helo) (info@address)" */
	{ "qmail: plain hop under its invocation line",
	  "Received: (qmail 12345 invoked from network)" D2
	  "Received: from mail.sender.example (HELO mail.sender.example) "
	  "(203.0.113.71) by mx.reporter.example with SMTP" D1,
	  "", "203.0.113.71", -1, 1, "qmail", "" },
	{ "qmail: a HELO literal naming another address is not taken",
	  "Received: from unknown (HELO [192.0.2.44]) (203.0.113.71) by "
	  "mx.reporter.example with SMTP" D1,
	  "", "203.0.113.71", -1, 0, "qmail", "" },
	{ "qmail: the remote info before the address, HELO an address",
	  "Received: from unknown (HELO 192.0.2.44) (u@203.0.113.71) by "
	  "mx.reporter.example with SMTP" D1,
	  "", "203.0.113.71", -1, 0, "qmail", "" },
	{ "qmail fork: a HELO argument with parentheses adds no client",
	  "Received: from unknown (HELO x) (192.0.2.44) (203.0.113.71) by "
	  "mx.reporter.example with SMTP" D1,
	  "", "203.0.113.71", -1, 0, "qmail", "" },
	{ "qmail: IPv6",
	  "Received: from unknown (HELO mail.sender.example) "
	  "(2001:db8:5::71) by mx.reporter.example with SMTP" D1,
	  "", "2001:db8:5::71", -1, 0, "qmail", "" },
	{ "qmail: an authenticated user of the reporter names no dial-up",
	  "Received: from unknown (HELO pc) (203.0.113.9) by "
	  "smtp.reporter.example with ESMTPA" D1, "", "", -1, -1, NULL, "" },
	{ "qmail: a localhost hop is the reporter's",
	  "Received: (qmail 4567 invoked by uid 89)" D3
	  "Received: from 127.0.0.1 (HELO localhost) (127.0.0.1) by "
	  "mx.reporter.example with SMTP" D2
	  "Received: from unknown (HELO [192.0.2.44]) (203.0.113.71) by "
	  "mx.reporter.example with SMTP" D1,
	  "", "203.0.113.71", -1, 2, "qmail", "" },
	{ "qmail: a client naming itself the reporter is contested",
	  "Received: from mx.reporter.example (HELO mx.reporter.example) "
	  "(203.0.113.71) by mx.reporter.example with SMTP" D1 BELOW,
	  "", "192.0.2.60", -1, 1, "postfix", "203.0.113.71" },

	/* ---- Gmail: "helo (rdns. [address])" */
	{ "gmail: plain hop under a by-only hop",
	  "Received: by 2002:a05:6102:22c6:0:0:0:0 with SMTP id a6csp1" D2
	  "Received: from mail-sor-f41.sender.example "
	  "(mail-sor-f41.sender.example. [203.0.113.71]) by mx.google.com "
	  "with SMTPS id a1sor" D1, "", "203.0.113.71", -1, 1, "gmail", "" },
	{ "gmail: a HELO literal naming another address is not taken",
	  "Received: from [192.0.2.44] (dsl.sender.example. [203.0.113.71]) "
	  "by mx.google.com with ESMTPS id a1sor" D1,
	  "", "203.0.113.71", -1, 0, "gmail", "" },
	{ "gmail: IPv6",
	  "Received: from mail.sender.example (mail.sender.example. "
	  "[2001:db8:5::71]) by mx.google.com with ESMTPS id a1sor" D1,
	  "", "2001:db8:5::71", -1, 0, "gmail", "" },
	{ "gmail: a user's submission names no dial-up",
	  "Received: from mail-sor-f41.google.com (mail-sor-f41.google.com. "
	  "[198.51.100.41]) by mx.google.com with SMTPS id a1sor" D2
	  "Received: from [192.168.1.5] (dsl.dial.example. [203.0.113.9]) "
	  "by smtp.gmail.com with ESMTPSA id b2" D1, "", "", -1, -1, NULL,
	  "" },
	{ "gmail: a HELO naming the reporter is contested",
	  "Received: from mx.google.com (dsl.sender.example. [203.0.113.71]) "
	  "by mx.google.com with ESMTPS id a1sor" D1 BELOW,
	  "", "192.0.2.60", -1, 1, "postfix", "203.0.113.71" },

	/* ---- Yahoo (and qmail forks): "address (EHLO helo) (address)" */
	{ "yahoo: plain hop",
	  "Received: from 203.0.113.71 (EHLO mail.sender.example) "
	  "(203.0.113.71) by mta1001.mail.gq1.yahoo.com with SMTP" D1,
	  "", "203.0.113.71", -1, 0, "yahoo", "" },
	{ "yahoo: a HELO literal naming another address is not taken",
	  "Received: from 127.0.0.1 (EHLO [192.0.2.44]) (203.0.113.71) by "
	  "mta1001.mail.gq1.yahoo.com with SMTP" D1,
	  "", "203.0.113.71", -1, 0, "yahoo", "" },
	{ "yahoo: IPv6",
	  "Received: from 2001:db8:5::71 (EHLO mail.sender.example) "
	  "(2001:db8:5::71) by mta1001.mail.gq1.yahoo.com with SMTPS" D1,
	  "", "2001:db8:5::71", -1, 0, "yahoo", "" },
	{ "yahoo: a user's submission names no dial-up",
	  "Received: from 127.0.0.1 (EHLO [192.168.1.5]) (203.0.113.9) by "
	  "smtp.mail.yahoo.com with ESMTPA" D1, "", "", -1, -1, NULL, "" },
	{ "yahoo: a localhost hop is the reporter's",
	  "Received: from 127.0.0.1 (EHLO localhost) (127.0.0.1) by "
	  "mta1001.mail.gq1.yahoo.com with SMTP" D2
	  "Received: from 127.0.0.1 (EHLO [192.0.2.44]) (203.0.113.71) by "
	  "mta1001.mail.gq1.yahoo.com with SMTP" D1,
	  "", "203.0.113.71", -1, 1, "yahoo", "" },
	{ "yahoo: an EHLO naming the reporter is contested",
	  "Received: from 127.0.0.1 (EHLO mta1001.mail.gq1.yahoo.com) "
	  "(203.0.113.71) by mta1001.mail.gq1.yahoo.com with SMTP" D1 BELOW,
	  "", "192.0.2.60", -1, 1, "postfix", "203.0.113.71" },

	/* ---- OpenSMTPD: "helo (rdns [address])", "(OpenSMTPD)" */
	{ "opensmtpd: plain hop",
	  "Received: from mail.sender.example (mail.sender.example "
	  "[203.0.113.71]) by mx.reporter.example (OpenSMTPD) with ESMTPS id "
	  "1a2b3c4d" D1, "", "203.0.113.71", -1, 0, "opensmtpd", "" },
	{ "opensmtpd: a HELO literal naming another address is not taken",
	  "Received: from [192.0.2.44] (<unknown> [203.0.113.71]) by "
	  "mx.reporter.example (OpenSMTPD) with ESMTP id 1a2b3c4d" D1,
	  "", "203.0.113.71", -1, 0, "opensmtpd", "" },
	{ "opensmtpd: IPv6",
	  "Received: from mail.sender.example (mail.sender.example "
	  "[IPv6:2001:db8:5::71]) by mx.reporter.example (OpenSMTPD) with "
	  "ESMTPS id 1a2b3c4d" D1, "", "2001:db8:5::71", -1, 0, "opensmtpd",
	  "" },
	{ "opensmtpd: an authenticated user of the reporter names no dial-up",
	  "Received: from [192.168.1.5] (dsl.dial.example [203.0.113.9]) by "
	  "smtp.reporter.example (OpenSMTPD) with ESMTPSA id 1a2b3c4d" D1,
	  "", "", -1, -1, NULL, "" },
	{ "opensmtpd: a localhost hop is the reporter's",
	  "Received: from localhost (localhost [127.0.0.1]) by "
	  "mx.reporter.example (OpenSMTPD) with ESMTP id 5e6f" D2
	  "Received: from [192.0.2.44] (<unknown> [203.0.113.71]) by "
	  "mx.reporter.example (OpenSMTPD) with ESMTP id 1a2b3c4d" D1,
	  "", "203.0.113.71", -1, 1, "opensmtpd", "" },
	{ "opensmtpd: a HELO naming the reporter is contested",
	  "Received: from mx.reporter.example (<unknown> [203.0.113.71]) by "
	  "mx.reporter.example (OpenSMTPD) with ESMTP id 1a2b3c4d" D1 BELOW,
	  "", "192.0.2.60", -1, 1, "postfix", "203.0.113.71" },

	/* ---- Haraka: "helo (rdns [address])", "(Haraka/x.y)" */
	{ "haraka: plain hop",
	  "Received: from mail.sender.example (mail.sender.example "
	  "[203.0.113.71]) by mx.reporter.example (Haraka/3.0.3) with ESMTPS "
	  "id 4F1E2D3C.1" D1, "", "203.0.113.71", -1, 0, "haraka", "" },
	{ "haraka: a HELO literal naming another address is not taken",
	  "Received: from [192.0.2.44] (Unknown [203.0.113.71]) by "
	  "mx.reporter.example (Haraka/3.0.3) with ESMTP id 4F1E2D3C.1" D1,
	  "", "203.0.113.71", -1, 0, "haraka", "" },
	{ "haraka: IPv6",
	  "Received: from mail.sender.example (mail.sender.example "
	  "[2001:db8:5::71]) by mx.reporter.example (Haraka/3.0.3) with "
	  "ESMTPS id 4F1E2D3C.1" D1, "", "2001:db8:5::71", -1, 0, "haraka",
	  "" },
	{ "haraka: an authenticated user of the reporter names no dial-up",
	  "Received: from [192.168.1.5] (dsl.dial.example [203.0.113.9]) by "
	  "smtp.reporter.example (Haraka/3.0.3) with ESMTPSA id 4F1E" D1,
	  "", "", -1, -1, NULL, "" },
	{ "haraka: a localhost hop is the reporter's",
	  "Received: from localhost (localhost [127.0.0.1]) by "
	  "mx.reporter.example (Haraka/3.0.3) with ESMTP id 4F1F" D2
	  "Received: from [192.0.2.44] (Unknown [203.0.113.71]) by "
	  "mx.reporter.example (Haraka/3.0.3) with ESMTP id 4F1E2D3C.1" D1,
	  "", "203.0.113.71", -1, 1, "haraka", "" },
	{ "haraka: a HELO naming the reporter is contested",
	  "Received: from mx.reporter.example (Unknown [203.0.113.71]) by "
	  "mx.reporter.example (Haraka/3.0.3) with ESMTP id 4F1E" D1 BELOW,
	  "", "192.0.2.60", -1, 1, "postfix", "203.0.113.71" },

	/* ---- chains */
	{ "chain: relays and filters on top, the sender's hops below",
	  "Received: from mx2.reporter.example (mx2.reporter.example "
	  "[198.51.100.3]) by mbox.reporter.example (Postfix) with ESMTP "
	  "id A1" D3
	  "Received: from localhost (localhost [127.0.0.1]) by "
	  "mx2.reporter.example (Postfix) with ESMTP id A2" D3
	  "Received: from mx2.reporter.example ([127.0.0.1]) by localhost "
	  "(mx2.reporter.example [127.0.0.1]) (amavisd-new, port 10024) with "
	  "ESMTP id A3" D2
	  "Received: from [192.0.2.44] (unknown [203.0.113.71]) by "
	  "mx2.reporter.example (Postfix) with ESMTP id A4" D1
	  "Received: from pc.sender.local (pc.sender.local [10.0.0.8]) by "
	  "mail.sender.example (Postfix) with ESMTP id Z1" D0,
	  "", "203.0.113.71", -1, 3, "postfix", "" },
	{ "chain: the reporter's relay with a generic DNS name, a by host "
	  "above, is not the sender",
	  "Received: from filter.cloud.example (filter.cloud.example "
	  "[192.0.2.20]) by mx.reporter.example (198.51.100.7) with "
	  "Microsoft SMTP Server id 15.1.2507.6" D3
	  "Received: from host-198-51-100-7.isp.example (198.51.100.7) by "
	  "filter.cloud.example with ESMTPS id f1" D2
	  "Received: from [192.0.2.44] (203.0.113.71) by mx.reporter.example "
	  "(198.51.100.7) with Microsoft SMTP Server id 15.1.2507.6" D1,
	  "", "203.0.113.71", -1, 2, "exchange", "192.0.2.20" },
	{ "chain: forwarded by the sender's authenticated submission server",
	  "Received: from mx.reporter.example (mx.reporter.example "
	  "[198.51.100.2]) by mbox.reporter.example (Postfix) with ESMTP "
	  "id A1" D3
	  "Received: from smtp.sender.example (smtp.sender.example "
	  "[198.51.100.25]) by mx.reporter.example (Postfix) with ESMTPS "
	  "id A2" D2
	  "Received: from [192.168.1.5] (dsl-203-0-113-9.dial.example "
	  "[203.0.113.9]) by smtp.sender.example (Postfix) with ESMTPSA "
	  "id A3" D1, "", "198.51.100.25", -1, 1, "postfix", "" },
	{ "chain: the lowest hop, taken when all look the reporter's, is "
	  "not also contested",
	  "Received: from mx.reporter.example (unknown [203.0.113.71]) by "
	  "mx.reporter.example (Postfix) with ESMTP id 4Tq1" D1,
	  "", "203.0.113.71", -1, 0, "postfix", "" },
	{ "chain: no hop has an address",
	  "Received: from localhost (localhost [127.0.0.1]) by "
	  "mx.reporter.example (Postfix) with ESMTP id A1" D1,
	  "", "", -1, -1, NULL, "" },
	/* ---- the walk's own branches */
	{ "a client whose DNS name is internal, right above a hop the "
	  "reporter received, is the reporter's (a filter re-injecting)",
	  "Received: from localhost.localdomain (localhost.localdomain "
	  "[198.51.100.9]) by mx2.reporter.example (Postfix) with ESMTP id "
	  "F2" D2
	  "Received: from mail.sender.example (mail.sender.example "
	  "[203.0.113.71]) by mx.reporter.example (Postfix) with ESMTP id "
	  "F1" D1, "reporter.example", "203.0.113.71", -1, 1, "postfix",
	  "198.51.100.9" },
	{ "every hop the reporter's: the lowest one that is no "
	  "authenticated submission",
	  "Received: from mx.reporter.example (mx.reporter.example "
	  "[198.51.100.10]) by inbox.reporter.example (Postfix) with ESMTP "
	  "id G3" D2
	  "Received: from laptop.reporter.example (laptop.reporter.example "
	  "[198.51.100.77]) by mx.reporter.example (Postfix) with ESMTPSA id "
	  "G2" D1, "reporter.example", "198.51.100.10", -1, 0, "postfix", "" },

};

/* Format the contested addresses as "a,b". */
static void
contested_str(const struct received_result *r, char *out, size_t size)
{
	char	 a[64];
	size_t	 len = 0;
	int	 k, n;

	out[0] = '\0';
	for (k = 0; k < r->ncontested; k++) {
		if (ipaddr_format(&r->contested[k].ip, a, sizeof(a)) == -1)
			a[0] = '\0';
		n = snprintf(out + len, size - len, "%s%s", k ? "," : "", a);
		if (n < 0 || (size_t)n >= size - len)
			return;
		len += (size_t)n;
	}
}

/* Run one row. */
static void
run_case(const rules_t *rs, const unsigned char *enabled,
    pcre2_match_data *md, const struct rcase *c)
{
	struct received_result	 r;
	char			 ip[64], cs[512];
	int			 rc;

	memset(&r, 0, sizeof(r));
	rc = received_walk(rs, enabled, md, c->hdrs, strlen(c->hdrs), c->sdom,
	    &r);
	ip[0] = '\0';
	if (rc == 1 && ipaddr_format(&r.ip, ip, sizeof(ip)) == -1)
		ip[0] = '\0';
	contested_str(&r, cs, sizeof(cs));
	is_str(ip, c->ip, "%s: the hand-off", c->name);
	if (c->ip[0] != '\0') {
		is_int(r.port, c->port, "%s: the port", c->name);
		if (c->hop >= 0)
			is_int(r.hop, c->hop, "%s: the hop", c->name);
		if (c->family != NULL)
			is_str(received_family_name(r.family), c->family,
			    "%s: the family", c->name);
		ok(r.rule != NULL && strcmp(r.rule->name, "received-client")
		    == 0, "%s: the rule is named", c->name);
	}
	is_str(cs, c->contested, "%s: the contested hops", c->name);
}

int
main(void)
{
	const char		*src;
	char			 path[4096], err[4096];
	rules_t			*rs;
	unsigned char		*enabled;
	pcre2_match_data	*md;
	size_t			 i, n;
	int			 k;

	if ((src = getenv("top_srcdir")) == NULL)
		src = "..";
	k = snprintf(path, sizeof(path), "%s/rules/abuse.rules", src);
	if (k < 0 || (size_t)k >= sizeof(path))
		tap_skip_all("top_srcdir too long");
	if ((rs = rules_load(path, err, sizeof(err))) == NULL) {
		printf("# %s", err);
		tap_skip_all("cannot load rules/abuse.rules");
	}
	n = rules_count(rs);
	if ((enabled = malloc(n)) == NULL ||
	    (md = pcre2_match_data_create(rs->max_groups + 1, NULL)) == NULL)
		return 99;
	memset(enabled, 1, n);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(rs, enabled, md, &cases[i]);

	/* the walk needs an enabled received rule */
	for (i = 0; i < n; i++)
		if (strcmp(rules_name(rs, i), "received-client") == 0)
			enabled[i] = 0;
	{
		struct received_result r;

		memset(&r, 0, sizeof(r));
		ok(received_walk(rs, enabled, md, cases[0].hdrs,
		    strlen(cases[0].hdrs), "", &r) == 0,
		    "no enabled received rule: no hand-off");
	}
	pcre2_match_data_free(md);
	free(enabled);
	rules_free(rs);
	return tap_done();
}
