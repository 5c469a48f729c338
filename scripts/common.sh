# Shared by the scripts in this folder: locating the project, a JDK >= 25 and the tools they use.
# Sourced, never run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REQUIRED_JAVA=25

if [ -t 1 ]; then BOLD=$'\033[1m'; DIM=$'\033[2m'; RED=$'\033[31m'; GREEN=$'\033[32m'; RESET=$'\033[0m'
else BOLD=; DIM=; RED=; GREEN=; RESET=; fi

say() { printf '%s==> %s%s\n' "$BOLD" "$*" "$RESET"; }
die() { printf '%serror:%s %s\n' "$RED" "$RESET" "$*" >&2; exit 1; }

# The Java feature version of the JDK at $1, or nothing when $1 holds no usable JDK.
jdk_version() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

# Exports JAVA_HOME and PATH for a JDK >= 25: JAVA_HOME when it is one, else the newest found in the
# places Linux distributions and vendors install JDKs.
find_jdk() {
  local candidates=() dir v best= bestv=0
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  for dir in /usr/lib/jvm/* /usr/local/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*/jdk* \
             "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$dir" ] && candidates+=("$dir")
  done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(jdk_version "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$REQUIRED_JAVA" ]; then best=$JAVA_HOME; bestv=$v; fi
  fi
  if [ -z "$best" ]; then
    for dir in "${candidates[@]}"; do
      v=$(jdk_version "$dir")
      if [ -n "$v" ] && [ "$v" -ge "$REQUIRED_JAVA" ] && [ "$v" -gt "$bestv" ]; then best=$dir; bestv=$v; fi
    done
  fi
  [ -n "$best" ] || die "no JDK $REQUIRED_JAVA or newer found (JAVA_HOME=${JAVA_HOME:-unset}; looked in /usr/lib/jvm, /usr/local/lib/jvm, /usr/java, /opt, ~/.sdkman, ~/.jdks).
  Install one, for example Eclipse Temurin 25 (package temurin-25-jdk from Adoptium's apt repository,
  https://adoptium.net/installation/linux/) or your distribution's openjdk-25-jdk, then run this again
  or point JAVA_HOME at it."
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
}

# have COMMAND: whether the command is on PATH; an absolute path (a glob allowed) is looked for as a file,
# for programs kept off PATH such as PostgreSQL's /usr/lib/postgresql/*/bin/postgres.
have() {
  case $1 in
    /*) compgen -G "$1" >/dev/null ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# ensure_tool COMMAND DEBIAN-PACKAGE: installs the package with apt-get when the command is missing and
# this user may install packages; otherwise says exactly what to install.
ensure_tool() {
  local cmd=$1 pkg=$2 sudo=
  have "$cmd" && return 0
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; fi
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; }; then
    say "Installing $pkg (for $cmd) with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y -q "$pkg" </dev/null >/dev/null 2>&1 \
      || { $sudo apt-get update -q </dev/null >/dev/null 2>&1 && $sudo apt-get install -y -q "$pkg" </dev/null >/dev/null; } \
      || die "apt-get could not install $pkg; install it (it provides $cmd) and run this again."
    have "$cmd" || die "$pkg was installed but $cmd is still not there."
  else
    die "$cmd is not installed. Install the package that provides it (Debian/Ubuntu: apt-get install $pkg) and run this again."
  fi
}

# build_c SOURCE BINARY: compiles one C program as every script and test does (warnings are errors), unless
# the binary is newer than its source.
build_c() {
  local src=$1 out=$2
  mkdir -p "$(dirname "$out")"
  if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
    cc -Wall -Wextra -Werror -O2 -pthread -o "$out" "$src"
  fi
}

# Maven in batch mode, without download progress, with the project's JDK. Maven's own libraries use
# sun.misc.Unsafe, which JDK 24+ warns about on every run; allowing it keeps the output about the project.
mvn_batch() {
  (cd "$ROOT" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B -ntp "$@")
}

# mvn_progress ARGS...: mvn_batch ARGS with one line per step instead of Maven's output (each plugin as it starts,
# and how many artifacts it has downloaded so far), the whole output kept in target/mvn.log and shown if it fails.
mvn_progress() {
  mkdir -p "$ROOT/target"
  local log=$ROOT/target/mvn.log start=$SECONDS status
  set +e
  (cd "$ROOT" && MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" mvn -B "$@") 2>&1 | tee "$log" \
    | awk -v start="$start" '
        /^\[INFO\] --- / { step = $3; sub(/:[^:]*:/, " ", step); printf "    %s (%d artifacts downloaded so far)\n", step, got; fflush() }
        /^Downloaded from / { got++ }'
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" != 0 ]; then
    tail -40 "$log" >&2
    die "mvn $* failed after $((SECONDS - start)) s; the whole output is in $log."
  fi
  say "Built in $((SECONDS - start)) s"
}
