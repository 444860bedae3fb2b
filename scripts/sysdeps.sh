#!/bin/sh
# The system libraries the pinned mxnet wheel loads (libgomp, libquadmath): check them; as root
# install them with apt-get; otherwise print the command to run and stop. Never needs root when
# the libraries are already there.
#   GG_SYSDEPS_LIBDIRS="dir1 dir2"  look only in these folders (default: the loader's cache and
#                                    the usual library folders)
set -u
LIBS="libgomp.so.1 libquadmath.so.0"
DEB_PKGS="libgomp1 libquadmath0"
RPM_PKGS="libgomp libquadmath"

found() {
    lib=$1
    if [ -n "${GG_SYSDEPS_LIBDIRS:-}" ]; then
        dirs=$GG_SYSDEPS_LIBDIRS
    else
        for ldc in ldconfig /sbin/ldconfig /usr/sbin/ldconfig; do
            if command -v "$ldc" >/dev/null 2>&1 && "$ldc" -p 2>/dev/null | grep -q "$lib"; then
                return 0
            fi
        done
        dirs="/lib /lib64 /usr/lib /usr/lib64 /usr/local/lib /lib/$(uname -m)-linux-gnu /usr/lib/$(uname -m)-linux-gnu"
    fi
    for dir in $dirs; do
        [ -e "$dir/$lib" ] && return 0
    done
    return 1
}

missing=""
for lib in $LIBS; do
    found "$lib" || missing="$missing $lib"
done
if [ -z "$missing" ]; then
    echo "== gg: system libraries present (libgomp, libquadmath)"
    exit 0
fi
echo "== gg: missing system libraries:$missing (the mxnet wheel needs them)"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && [ -z "${GG_SYSDEPS_LIBDIRS:-}" ]; then
    echo "== gg: installing $DEB_PKGS with apt-get"
    apt-get update -qq && apt-get install -y -qq $DEB_PKGS && exit 0
    echo "== gg: apt-get failed" >&2
    exit 1
fi
{
    echo "Install them, then run make again:"
    echo "  Debian/Ubuntu: sudo apt-get install -y $DEB_PKGS"
    echo "  Fedora/RHEL:   sudo dnf install -y $RPM_PKGS"
} >&2
exit 1
