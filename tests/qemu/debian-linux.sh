# Debian's Linux kernel for the benchmarks that compare against it
# (make bench-ipc, make bench-net); source it: . tests/qemu/debian-linux.sh
#
#   debian_linux_fetch CACHE   fetches Debian's kernel package (the
#            linux-image-amd64 metapackage names the image package it
#            depends on; apt-get download, never installed) into CACHE
#            unless that exact version is there, and extracts its vmlinuz.
#            Sets LINUX_PACKAGE ("name version"), LINUX_DEB (the .deb) and
#            LINUX_VMLINUZ; prints the reason and fails otherwise.

debian_linux_fetch() {
    _cache=$1
    mkdir -p "$_cache"
    command -v apt-get >/dev/null || { echo "debian-linux: apt-get missing (a Debian host is needed)"; return 1; }
    apt-cache show linux-image-amd64 >/dev/null 2>&1 || {
        _sudo=; [ "$(id -u)" -ne 0 ] && _sudo=sudo
        $_sudo apt-get update -qq
    }
    (cd "$_cache" && rm -f linux-image-amd64_*.deb &&
        apt-get download linux-image-amd64 >download.log 2>&1) ||
        { echo "debian-linux: apt-get download linux-image-amd64 failed (see $_cache/download.log)"; return 1; }
    _meta=$(ls "$_cache"/linux-image-amd64_*.deb)
    _depends=$(dpkg-deb -f "$_meta" Depends)
    _package=$(echo "$_depends" | sed -n 's/^\(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1/p')
    _version=$(echo "$_depends" | sed -n 's/^\(linux-image-[^ ,]*\) (= \([^)]*\)).*/\2/p')
    [ -n "$_package" ] || { echo "debian-linux: unexpected Depends of $_meta: $_depends"; return 1; }
    LINUX_DEB=$_cache/${_package}_${_version}_amd64.deb
    if [ ! -f "$LINUX_DEB" ]; then
        (cd "$_cache" && apt-get download "$_package=$_version" >>download.log 2>&1) ||
            { echo "debian-linux: apt-get download $_package failed (see $_cache/download.log)"; return 1; }
    fi
    # shellcheck disable=SC2034 # read by the script that sources this file
    LINUX_PACKAGE="$_package $_version"
    LINUX_VMLINUZ=$_cache/vmlinuz-${_package#linux-image-}-$_version
    if [ ! -f "$LINUX_VMLINUZ" ]; then
        if ! dpkg-deb --fsys-tarfile "$LINUX_DEB" | tar -x -O --wildcards './boot/vmlinuz-*' >"$LINUX_VMLINUZ.tmp"; then
            echo "debian-linux: no vmlinuz in $LINUX_DEB"
            return 1
        fi
        mv "$LINUX_VMLINUZ.tmp" "$LINUX_VMLINUZ"
    fi
}
