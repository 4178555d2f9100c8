#!/bin/sh
# make-locales.sh DIR — compiles the locales the locale-independence tests switch to
# (de_DE.UTF-8: comma as decimal point; zh_CN.UTF-8: the users' own locale) into DIR, for
# glibc's LOCPATH. Machines without localedef or the locale sources get nothing and the
# tests fall back to whatever is installed, or skip; this script never fails the suite.
dir=${1:?usage: make-locales.sh DIR}
mkdir -p "$dir" || exit 0
command -v localedef >/dev/null 2>&1 || exit 0
for loc in de_DE zh_CN; do
    [ -f "$dir/$loc.UTF-8/LC_NUMERIC" ] && continue
    localedef -i "$loc" -f UTF-8 "$dir/$loc.UTF-8" >/dev/null 2>&1 || rm -rf "$dir/$loc.UTF-8"
done
exit 0
