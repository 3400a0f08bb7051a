# Shared by .ci/run, lab.sh and bench.sh (sourced, not run). Needs $repo, the checkout's root.

heraldlb_target="integration-tests/target"

# Installs the lab's Debian packages that are missing (integration-tests/src/main/resources/
# lab-packages.txt); needs root and apt-get.
heraldlb_install_packages() {
  local missing=() p
  while read -r p; do
    case "$p" in '' | '#'*) continue ;; esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done <"$repo/integration-tests/src/main/resources/lab-packages.txt"
  if [ "${#missing[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null || { echo "missing packages ${missing[*]} and no apt-get to install them" >&2; return 1; }
    echo "installing the lab's tools: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Sets the array lab_java to the java command line of the lab's programs (the main class and its
# arguments follow), once the lab's classes and lab.classpath are built.
heraldlb_lab_java() {
  lab_java=(java -cp "$repo/$heraldlb_target/classes:$(cat "$repo/$heraldlb_target/lab.classpath")"
    -Dheraldlb.repo="$repo"
    -Dlogback.configurationFile="$repo/$heraldlb_target/classes/lab-logback.xml")
}
