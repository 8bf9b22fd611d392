#!/bin/sh
# Regenerates src/tracer/syscall_table.rs: the system call names by number
# for x86_64 and i386, from the `syscalls` crate (itself generated from the
# kernel's syscall_64.tbl / syscall_32.tbl).
#
#   src/tracer/gen-syscall-table.sh [VERSION] > src/tracer/syscall_table.rs
#
# VERSION defaults to 0.8.1. The crate is fetched with cargo into its usual
# registry cache (a throwaway project in a temp folder depends on it); no
# other download happens. Numbers with no system call become "".
set -eu
version=${1:-0.8.1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
(
    cd "$tmp"
    cargo init -q --name gen-syscall-table >/dev/null
    cargo add -q "syscalls@=$version" --no-default-features >/dev/null
    cargo fetch -q
)
src=$(cd "$tmp" && cargo metadata --format-version 1 |
    sed -n 's/.*"manifest_path":"\([^"]*syscalls-'"$version"'\/Cargo.toml\)".*/\1/p' |
    head -n 1)
src=${src%/Cargo.toml}/src/arch
[ -f "$src/x86_64.rs" ] || { echo "gen-syscall-table: syscalls $version not found" >&2; exit 1; }

# Both tables get the same length (the larger count), so lookups are one
# bounds check.
len=$(cat "$src/x86_64.rs" "$src/x86.rs" |
    sed -n 's/^ *[a-z_0-9]* = \([0-9]*\),$/\1/p' | sort -n | tail -n 1)
len=$((len + 1))

table() { # $1 = file, $2 = static name
    printf 'pub(super) static %s: [&str; %d] = [\n' "$2" "$len"
    sed -n 's/^ *\([a-z_0-9]*\) = \([0-9]*\),$/\2 \1/p' "$1" |
        awk -v len="$len" '{ name[$1] = $2 }
            END { for (i = 0; i < len; i++) printf "    \"%s\",\n", name[i] }'
    printf '];\n'
}

cat <<HEAD
//! System call names by number, x86_64 and i386, as dense tables.
//!
//! Generated (do not edit by hand) by \`src/tracer/gen-syscall-table.sh\` from the
//! \`syscalls\` crate $version (\`src/arch/x86_64.rs\`, \`src/arch/x86.rs\`), which
//! is itself generated from the kernel's \`syscall_64.tbl\` /
//! \`syscall_32.tbl\`. A copy rather than a dependency keeps zclab's
//! dependency list short; to refresh, run the script with a newer version.
//! An empty string is a number with no system call.

HEAD
table "$src/x86_64.rs" X86_64
printf '\n'
table "$src/x86.rs" I386
