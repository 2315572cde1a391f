#!/usr/bin/env bash
# Prints the home of a JDK whose feature version is at least 21 (javac included), or fails with a hint.
# Order: $JAVA_HOME, then the JDKs installed under the usual directories, newest first, then `javac` on PATH.
set -u

feature_version() { # $1 = JDK home; prints e.g. 25, or nothing
  [ -x "$1/bin/javac" ] || return 0
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  [ -n "$v" ] || v=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  echo "$v"
}

candidates() {
  [ -n "${JAVA_HOME:-}" ] && echo "$JAVA_HOME"
  for dir in /usr/lib/jvm /usr/java /opt/java /Library/Java/JavaVirtualMachines; do
    [ -d "$dir" ] || continue
    for h in "$dir"/*; do
      [ -d "$h/Contents/Home" ] && h="$h/Contents/Home"
      echo "$h"
    done
  done
  command -v javac >/dev/null 2>&1 && dirname "$(dirname "$(readlink -f "$(command -v javac)")")"
}

best="" best_v=0
while read -r home; do
  v=$(feature_version "$home")
  if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$home"; best_v="$v"; fi
  # An explicit JAVA_HOME that qualifies wins over anything newer found elsewhere.
  if [ -n "$best" ] && [ "$home" = "${JAVA_HOME:-}" ]; then break; fi
done < <(candidates)

if [ -z "$best" ]; then
  echo "whetstone: no JDK 21 or newer found. Install one (e.g. 'apt-get install openjdk-21-jdk') or set JAVA_HOME." >&2
  exit 1
fi
echo "$best"
