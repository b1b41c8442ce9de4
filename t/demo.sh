#!/bin/sh
#
# demo.sh - the README's demo: route the sample complaints through a real
# Postfix with abuse-milter, all on loopback, and show where each went.
#
#	make demo	(or: sh setup demo)
#
# Builds the sample map (samples/map.csv) into a temporary directory,
# starts smtp-sink (standing in for the customers' and the abuse desk's
# mail servers), a private Postfix instance and abuse-milter, sends every
# samples/*.eml to abuse@provider.test, waits for delivery and prints
#
#	complaint | delivered to | action | reason
#
# where "delivered to" is the final envelope of the message as the sink
# received it and "reason" the X-Abuse-Route header the milter added.
# Everything it starts is stopped on exit; nothing outside the temporary
# directory is written, so the demo can be run again and again.
#
# Runs as root (a private Postfix needs it).  Nothing leaves 127.0.0.1.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir
. "$top_srcdir/t/lib/postfix.sh"

samples=$top_srcdir/samples
desk=abuse@provider.test

if ! pf_require; then
	echo "demo: cannot run: $PF_WHY" >&2
	exit 1
fi
pf_programs
pf_setup || exit 1

echo "demo: private Postfix on 127.0.0.1:$PF_PORT; smtp-sink on 127.0.0.1:$PF_SINK_PORT"
echo "demo: stands in for the mail servers of the abuse desk and of the customers"
milters=""
if [ -z "$PF_MILTER" ]; then
	echo "demo: routing is not built yet (milter/abuse-milter does not exist):"
	echo "demo: the complaints go through Postfix unchanged, all to the desk."
elif [ -z "$PF_MAPTOOL" ]; then
	echo "demo: routing is not built yet (tools/abuse-map does not exist):"
	echo "demo: the complaints go through Postfix unchanged, all to the desk."
else
	pf_map_load "$samples/map.csv" || exit 1
	echo "demo: map built from samples/map.csv ($(sed 1d "$samples/map.csv" | wc -l | tr -d ' ') entries)"
	pf_milter_config
	pf_milter_start || exit 1
	milters=$(pf_milter_socket)
	echo "demo: abuse-milter listening on $milters"
fi
pf_sink_start || exit 1
pf_init "$milters"
pf_start || exit 1

n=0
for f in "$samples"/*.eml; do
	if ! pf_send "$desk" "$f" >>"$PF_DIR/send.out"; then
		echo "demo: sending $(basename "$f") failed:" >&2
		tail -n 1 "$PF_DIR/send.out" >&2
		exit 1
	fi
	n=$((n + 1))
done
if ! pf_wait "$n" 60; then
	echo "demo: not every complaint was delivered" >&2
	pf_maillog_tail 30
	exit 1
fi
pf_envelopes >"$PF_DIR/envelopes"

echo "demo: sent $n complaints to $desk"
echo
printf '%-24s | %-32s | %-6s | %s\n' complaint "delivered to" action reason
printf '%-24s-+-%-32s-+-%-6s-+-%s\n' "------------------------" \
    "--------------------------------" "------" "------------------------------"
lost=0
for f in "$samples"/*.eml; do
	id=$(sed -n '1,/^$/{s/^[Mm][Ee][Ss][Ss][Aa][Gg][Ee]-[Ii][Dd]:[ 	]*<\(.*\)>.*/\1/p;}' "$f" | head -n 1)
	line=$(awk -F '\t' -v id="$id" '$1 == id' "$PF_DIR/envelopes")
	if [ -z "$line" ]; then
		rcpts="(not delivered)"
		action="LOST"
		reason="-"
		lost=$((lost + 1))
	else
		rcpts=$(echo "$line" | cut -f 2)
		# the header without the action it starts with
		reason=$(echo "$line" | cut -f 5 |
		    sed 's/^\(route\|keep\); *//; s/^reason=route; *//' |
		    cut -c 1-90)
		case ",$rcpts," in
		*",$desk,"*) action=keep ;;
		*) action=route ;;
		esac
	fi
	printf '%-24s | %-32s | %-6s | %s\n' "$(basename "$f")" "$rcpts" \
	    "$action" "$reason"
done
[ "$lost" -eq 0 ]
