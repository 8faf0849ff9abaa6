#!/bin/sh
# The .vmx files from the wild (fixtures/vmx-wild, synthetic; README there) and libvirt's corpus
# (read from $VSNAP_SHARED/compat/libvirt when present, never copied):
#  - each fixture converts to its expected XML and warnings (the fixture folder shown as @DIR@);
#  - every output, plain and with --keep, validates against the installed libvirt schemas
#    (virt-xml-validate: Debian 12's libvirt 9.0);
#  - vmx -> xml -> vmx -> xml gives the first XML again, plain and with --keep;
#  - --strict refuses a file with warnings; --json carries them.
# usage: vmx_wild.sh VSNAP SRCDIR   (VSNAP_REGENERATE=1 rewrites the expected files)
# SPDX-License-Identifier: GPL-2.0-or-later
set -u
vsnap=$(realpath "$1")
dir=$(realpath "$2/fixtures/vmx-wild")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# vmx -> xml (args...) -> vmx -> xml: the second XML must equal the first; both validate
roundtrip() {
	src=$1 name=$2
	shift 2
	(cd "$(dirname "$src")" && "$vsnap" vmx2xml "$@" "$(basename "$src")") \
		>"$tmp/x1.xml" 2>/dev/null || return 0   # only files that convert
	checks=$((checks + 1))
	virt-xml-validate "$tmp/x1.xml" domain >/dev/null 2>&1 ||
		bad "$name $*: $(virt-xml-validate "$tmp/x1.xml" domain 2>&1 | head -2)"
	if ! "$vsnap" xml2vmx "$tmp/x1.xml" >"$tmp/v2.vmx" 2>"$tmp/err"; then
		bad "$name $*: xml2vmx: $(head -1 "$tmp/err")"
		return 0
	fi
	(cd "$(dirname "$src")" && "$vsnap" vmx2xml "$@" "$tmp/v2.vmx") >"$tmp/x2.xml" 2>/dev/null
	cmp -s "$tmp/x1.xml" "$tmp/x2.xml" || {
		bad "$name $*: second XML differs"
		diff "$tmp/x1.xml" "$tmp/x2.xml" | head -10
	}
}

n=0
for f in "$dir"/*.vmx; do
	case=$(basename "$f" .vmx)
	n=$((n + 1))
	(cd "$dir" && "$vsnap" vmx2xml "$case.vmx") >"$tmp/out" 2>"$tmp/warn"
	sed "s|$dir|@DIR@|g" "$tmp/out" >"$tmp/out.xml"
	sed "s|^warning: ||" "$tmp/warn" >"$tmp/out.warnings"
	if [ "${VSNAP_REGENERATE:-}" = 1 ]; then
		cp "$tmp/out.xml" "$dir/$case.xml"
		cp "$tmp/out.warnings" "$dir/$case.warnings"
	fi
	cmp -s "$tmp/out.xml" "$dir/$case.xml" || { bad "$case: XML differs"; diff "$dir/$case.xml" "$tmp/out.xml" | head; }
	cmp -s "$tmp/out.warnings" "$dir/$case.warnings" || { bad "$case: warnings differ"; diff "$dir/$case.warnings" "$tmp/out.warnings" | head; }
	# --strict: an error exactly when there are warnings
	if (cd "$dir" && "$vsnap" vmx2xml --strict "$case.vmx") >/dev/null 2>&1; then
		[ -s "$tmp/out.warnings" ] && bad "$case: --strict accepted a file with warnings"
	else
		[ -s "$tmp/out.warnings" ] || bad "$case: --strict refused a file without warnings"
	fi
	roundtrip "$f" "$case"
	roundtrip "$f" "$case" --keep
done
[ "$n" -ge 11 ] || bad "only $n fixtures"

# --json carries the warnings with key and line
(cd "$dir" && "$vsnap" --json vmx2xml ws-thinprint.vmx) >"$tmp/j" 2>"$tmp/jerr"
grep -q '"line": 20, "key": "serial0.fileType"' "$tmp/j" || bad "--json: no thinprint warning"
[ -s "$tmp/jerr" ] && bad "--json: warnings also on stderr"

# .vmsd: one document, schema-valid snapshots, unique names, no 1970 dates
"$vsnap" vmsd2xml "$dir/chain.vmsd" >"$tmp/s.xml" 2>"$tmp/s.err" || bad "vmsd2xml chain.vmsd failed"
sed "s|^warning: $dir/||" "$tmp/s.err" >"$tmp/s.warnings"
[ "${VSNAP_REGENERATE:-}" = 1 ] && cp "$tmp/s.xml" "$dir/chain.xml" && cp "$tmp/s.warnings" "$dir/chain.warnings"
cmp -s "$tmp/s.xml" "$dir/chain.xml" || { bad "chain.vmsd: XML differs"; diff "$dir/chain.xml" "$tmp/s.xml" | head; }
cmp -s "$tmp/s.warnings" "$dir/chain.warnings" || bad "chain.vmsd: warnings differ"
xmllint --noout "$tmp/s.xml" 2>/dev/null || bad "vmsd2xml output is not one well-formed document"
count=$(xmllint --xpath 'count(/snapshots/domainsnapshot)' "$tmp/s.xml")
i=1
while [ "$i" -le "$count" ]; do
	xmllint --xpath "/snapshots/domainsnapshot[$i]" "$tmp/s.xml" >"$tmp/one.xml"
	virt-xml-validate "$tmp/one.xml" domainsnapshot >/dev/null 2>&1 ||
		bad "snapshot $i: $(virt-xml-validate "$tmp/one.xml" domainsnapshot 2>&1 | head -2)"
	i=$((i + 1))
done

# wrong file types say what the file is
expect_err() {
	cmd=$1 file=$2 needle=$3
	if "$vsnap" "$cmd" "$dir/$file" >/dev/null 2>"$tmp/e"; then
		bad "$cmd $file succeeded"
	elif ! grep -q "$needle" "$tmp/e"; then
		bad "$cmd $file: '$(cat "$tmp/e")' lacks '$needle'"
	fi
}
expect_err vmx2xml disk-descriptor.vmdk ".vmdk disk descriptor"
expect_err vmx2xml extended-config.vmxf ".vmxf"
expect_err vmx2xml chain.vmsd ".vmsd snapshot list"
expect_err vmsd2xml ws-thinprint.vmx "this is a .vmx"
expect_err vmsd2xml disk-descriptor.vmdk ".vmdk disk descriptor"

# libvirt's corpus: every file that converts validates and round-trips
corpus=${VSNAP_SHARED:-}/compat/libvirt/vmx2xmldata
if [ -d "$corpus" ]; then
	for f in "$corpus"/*.vmx; do
		# known xml2vmx limits older than this work, listed in docs/vmx-compat.md: an empty
		# raw CD-ROM comes back as auto-detect, SCSI unit 16, a 'null' serial port, and a
		# distributed switch without ids (a case libvirt itself does not run)
		case $(basename "$f" .vmx) in
		cdrom-ide-empty-2 | esx-in-the-wild-11 | esx-in-the-wild-13 | ethernet-vds-no-params)
			echo "known limit: $(basename "$f")"
			continue ;;
		esac
		roundtrip "$f" "libvirt:$(basename "$f")" --datastore-dir "[datastore] directory"
		roundtrip "$f" "libvirt:$(basename "$f")" --keep --datastore-dir "[datastore] directory"
	done
else
	echo "note: $corpus absent: libvirt's corpus not checked"
fi
echo "vmx-wild: $n fixtures, $checks round trips, $fails failures"
[ "$fails" -eq 0 ]
