#!/bin/sh
# test_map_history.sh - abuse-map(8) with history, as a desk runs it:
# three daily exports (a split, a reassignment, an address change, a
# vanished customer) loaded in order, `abuse-map history` of an address
# and of a prefix against the expected lines, the broken-export guard's
# message and exit status, and `abuse-map install` of a copied
# generation answering as the original.
set -u

: "${top_srcdir:=.}" "${top_builddir:=.}"
. "$top_srcdir/t/lib/tap.sh"
tool="$top_builddir/tools/abuse-map"
if [ ! -x "$tool" ]; then
	echo "1..0 # SKIP $tool is not built"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/map_history.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
m="$tmp/map"

cat > "$tmp/d1.csv" <<'CSV'
prefix,customer,address
192.0.2.0/24,acme,abuse@acme.example
198.51.100.0/24,bob,abuse@bob.example
203.0.113.0/24,dave,abuse@dave.example
10.0.0.0/8,isp,noc@isp.example
CSV
cat > "$tmp/d2.csv" <<'CSV'
prefix,customer,address
192.0.2.0/25,fred,abuse@fred.example
192.0.2.128/25,gina,abuse@gina.example
198.51.100.0/24,bob,abuse@bob.example
203.0.113.0/24,dave,noc@dave.example
10.0.0.0/8,isp,noc@isp.example
CSV
cat > "$tmp/d3.csv" <<'CSV'
prefix,customer,address
192.0.2.0/25,fred,abuse@fred.example
192.0.2.128/25,gina,abuse@gina.example
198.51.100.0/24,hank,abuse@hank.example
10.0.0.0/8,isp,noc@isp.example
CSV

"$tool" load -q -m "$m" --history --as-of 2025-01-01 "$tmp/d1.csv"
st1=$?
"$tool" load -q -m "$m" --history --as-of 2025-01-02 --force "$tmp/d2.csv"
st2=$?
"$tool" load -q -m "$m" --as-of 2025-01-03 --force "$tmp/d3.csv"
check "three daily exports load in order" "$st1 $st2 $?" "0 0 0"

T=$(printf '\t')
"$tool" history -m "$m" 192.0.2.5 198.51.100.1 203.0.113.9 192.0.2.0/24 \
    > "$tmp/out" 2>&1
cat > "$tmp/want" <<EOF2
192.0.2.5${T}../2025-01-02T00:00:00Z${T}acme${T}abuse@acme.example${T}192.0.2.0/24${T}-
192.0.2.5${T}2025-01-02T00:00:00Z/..${T}fred${T}abuse@fred.example${T}192.0.2.0/25${T}-
198.51.100.1${T}../2025-01-03T00:00:00Z${T}bob${T}abuse@bob.example${T}198.51.100.0/24${T}-
198.51.100.1${T}2025-01-03T00:00:00Z/..${T}hank${T}abuse@hank.example${T}198.51.100.0/24${T}-
203.0.113.9${T}../2025-01-03T00:00:00Z${T}dave${T}noc@dave.example${T}203.0.113.0/24${T}-
203.0.113.9${T}2025-01-03T00:00:00Z/..${T}nobody
192.0.2.0/24${T}../2025-01-02T00:00:00Z${T}acme${T}abuse@acme.example${T}192.0.2.0/24${T}-
192.0.2.0/24${T}2025-01-02T00:00:00Z/..${T}fred${T}abuse@fred.example${T}192.0.2.0/25${T}-
192.0.2.0/24${T}2025-01-02T00:00:00Z/..${T}gina${T}abuse@gina.example${T}192.0.2.128/25${T}-
EOF2
if diff -u "$tmp/want" "$tmp/out" > "$tmp/diff"; then
	ok "history: split, reassignment, contact change (the past goes to the new address), vanished customer"
else
	notok "history: split, reassignment, contact change, vanished customer"
	sed 's/^/# /' "$tmp/diff"
fi

"$tool" load -q -m "$m" --as-of 2025-01-03 "$tmp/d3.csv" > "$tmp/out" 2>&1
check "the same export again: exit 0" "$?" 0
check "the same export again: no new map" \
    "$("$tool" stat -m "$m" | awk '$1 == "serial" { print $2 }')" 3

head -2 "$tmp/d3.csv" > "$tmp/broken.csv"
"$tool" load -q -m "$m" --as-of 2025-01-04 "$tmp/broken.csv" > "$tmp/out" 2>&1
st=$?
check "a broken export is refused with exit 1" "$st" 1
check_true "the refusal says how many entries it would close" \
    grep -q "would close 3 of the 4 entries held" "$tmp/out"
check "the old map keeps serving" \
    "$("$tool" lookup -m "$m" 198.51.100.1 | cut -f2)" hank

gen=$("$tool" stat -m "$m" | awk '$1 == "file" { print $2 }')
cp "$m/$gen" "$tmp/$gen"
"$tool" install -q -m "$tmp/mx" "$tmp/$gen"
check "install of a copied generation" "$?" 0
for d in "$m" "$tmp/mx"; do
	"$tool" history -m "$d" 192.0.2.5 198.51.100.1 203.0.113.9 10.1.2.3
	"$tool" dump -m "$d"
	"$tool" stat -m "$d" | grep -v -e '^directory' -e '^file'
done > "$tmp/both"
n=$(wc -l < "$tmp/both")
if [ "$(head -n $((n / 2)) "$tmp/both")" = "$(tail -n $((n / 2)) "$tmp/both")" ]; then
	ok "the installed copy answers, dumps and reports as the original"
else
	notok "the installed copy answers, dumps and reports as the original"
fi
printf 'not a map' > "$tmp/junk.mdb"
"$tool" install -q -m "$tmp/mx" "$tmp/junk.mdb" 2> "$tmp/out"
check "a file that is not a map is refused" "$?" 1
tap_end
