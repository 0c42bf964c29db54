// What a project gets from depending on the library alone: no CLI, no logging backend, no
// Jackson of ours (it is relocated inside the jar), no Micrometer (optional), no QUIC natives.
def list = new File(basedir, 'target/dependencies.txt').readLines()
    .collect { it.trim() }
    .findAll { it ==~ /^[\w.\-]+:[\w.\-]+:.*/ }
assert list.any { it.startsWith('ai.bctrl:provisioner:jar:') } : "the library itself: ${list}"
def forbidden = list.findAll {
  it.startsWith('info.picocli:') || it.startsWith('ch.qos.logback:') || it.startsWith('tools.jackson') ||
      it.startsWith('com.fasterxml.jackson') || it.startsWith('io.micrometer:') ||
      it.contains('netty-codec-native-quic')
}
assert forbidden.isEmpty() : "a library user must not get ${forbidden}"

def jars = list.collect { def s = it.replaceAll(/ -- .*$/, ''); new File(s.substring(s.lastIndexOf(':') + 1).trim()) }
jars.each { assert it.isFile() : "resolved ${it}" }
long bytes = jars.sum { it.length() }
println String.format('library user: %d jars, %.1f MB', jars.size(), bytes / 1e6)
new File(basedir, 'target/dependency-tree.txt').eachLine { println it }
return true
