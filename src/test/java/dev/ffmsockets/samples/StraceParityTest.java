package dev.ffmsockets.samples;

import dev.ffmsockets.samples.Samples.Exchange;
import dev.ffmsockets.samples.Samples.Impl;
import dev.ffmsockets.samples.Samples.Sample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each C sample and its C-style Java port, traced with strace against the same C peer, make the same socket
 * system calls with the same arguments, in the same order (see {@link Strace} for what is normalized).
 */
class StraceParityTest {

    @BeforeAll
    static void build() throws Exception {
        Samples.buildNative();
        assertEquals(0, Samples.run(List.of("strace", "-V"), 30).status(), "strace is needed (scripts/test installs it)");
    }

    static List<Arguments> programs() {
        List<Arguments> all = new ArrayList<>();
        for (Sample s : Sample.values()) {
            all.add(Arguments.of(s, true));
            all.add(Arguments.of(s, false));
        }
        return all;
    }

    /** Traces {@code impl}'s server or client of {@code sample}, its peer in C. */
    static List<String> trace(Sample sample, Impl impl, boolean server, Path dir) throws Exception {
        Strace strace = new Strace(dir.resolve(impl + (server ? "-server" : "-client") + ".strace"));
        Exchange x = server ? Samples.exchange(sample, impl, Impl.C, dir, strace, true)
                : Samples.exchange(sample, Impl.C, impl, dir, strace, false);
        assertTrue(x.ok(), () -> "the traced exchange failed: " + x);
        return strace.calls(dir);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("programs")
    void theJavaPortMakesTheSameSocketCallsAsTheC(Sample sample, boolean server, @TempDir Path dir) throws Exception {
        List<String> c = trace(sample, Impl.C, server, dir);
        List<String> java = trace(sample, Impl.CSTYLE, server, dir);
        assertFalse(c.isEmpty(), "the C trace has socket calls");
        assertTrue(c.getFirst().startsWith("socket("), () -> "the trace starts with socket(): " + c);
        String key = switch (sample) {
            case FD_PASS -> "cmsg_type=SCM_RIGHTS, cmsg_data=[F";
            case UDP_BATCH -> "mmsg(F1, [{msg_hdr=";
            default -> "(F1";
        };
        assertTrue(c.stream().anyMatch(l -> l.contains(key)), () -> "the trace shows the sample's own calls (" + key + "): " + c);
        assertEquals(c, java, () -> "\n" + Strace.sideBySide("C " + sample.program(Impl.C, server), c,
                "Java " + sample.program(Impl.CSTYLE, server), java));
    }

    /** The comparison is not blind: a port that makes one call differently is caught. */
    @Test
    void aDifferentCallIsCaught(@TempDir Path dir) throws Exception {
        List<String> c = trace(Sample.TCP_HELLO, Impl.C, true, dir);
        List<String> safe = trace(Sample.TCP_HELLO, Impl.SAFE, true, dir);
        // the safe wrapper opens with SOCK_CLOEXEC, accepts with accept4 and sends with MSG_NOSIGNAL
        assertFalse(c.equals(safe), () -> Strace.sideBySide("C", c, "safe", safe));
        assertTrue(safe.stream().anyMatch(l -> l.startsWith("socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC")), safe::toString);
        assertTrue(safe.stream().anyMatch(l -> l.startsWith("accept4(")), safe::toString);
        assertTrue(Strace.sideBySide("C", c, "safe", safe).contains(" ! "));
    }

    @Test
    void normalizationNamesDescriptorsPortsAndTheDirectory() {
        List<String> raw = List.of(
                "100  close(3)                          = 0",
                "100  socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 7",
                "101  socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = 9",
                "100  bind(7, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr(\"0.0.0.0\")}, 16) = 0",
                "100  accept(7, NULL, NULL <unfinished ...>",
                "101  read(5, \"x\", 1) = 1",
                "100  <... accept resumed>)             = 8",
                "100  getsockname(7, {sa_family=AF_INET, sin_port=htons(41234), sin_addr=inet_addr(\"0.0.0.0\")}, [16]) = 0",
                "100  write(8, \"/tmp/x/a\", 8) = 8",
                "100  write(1, \"listening\", 9) = 9",
                "100  read(8,  <unfinished ...>",
                "101  close(5) = 0",
                "100  <... read resumed>\"\", 4) = 0",
                "100  close(8) = 0",
                "100  read(8, \"\", 4) = 0");
        assertEquals(List.of(
                "socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = F1",
                "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = F2",
                "bind(F1, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr(\"0.0.0.0\")}, 16) = 0",
                "accept(F1, NULL, NULL) = F3",
                "getsockname(F1, {sa_family=AF_INET, sin_port=htons(PORT), sin_addr=inet_addr(\"0.0.0.0\")}, [16]) = 0",
                "write(F3, \"$DIR/a\", 8) = 8",
                "read(F3, \"\", 4) = 0",
                "close(F3) = 0"), Strace.normalize(raw, "/tmp/x"), "a call split by another thread's is joined as strace would print it whole");
        List<String> java = new ArrayList<>(List.of("200  socket(AF_UNIX, SOCK_STREAM, 0) = 4", "200  close(-1) = -1 EBADF (Bad file descriptor)",
                "201  socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 5", "200  socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 6"));
        assertEquals(List.of("socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = F1"), Strace.normalize(java, "/tmp/x"),
                "a Java trace starts after the marker, on the marker's thread");
    }

    @Test
    void descriptorsInScmRightsAreNamedLikeTheOthers() {
        String control = "msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[%s]}]";
        List<String> raw = List.of(
                "100  socketpair(AF_UNIX, SOCK_STREAM, 0, [5, 6]) = 0",
                "100  sendmsg(5, {msg_iov=[{iov_base=\"F\", iov_len=1}], " + control.formatted("6, 9") + "}, 0) = 1",
                "100  recvmsg(6, {msg_iov=[{iov_base=\"F\", iov_len=1}], " + control.formatted("11") + "}, 0) = 1",
                "100  read(11, \"x\", 1) = 1");
        assertEquals(List.of(
                "socketpair(AF_UNIX, SOCK_STREAM, 0, [F1, F2]) = 0",
                "sendmsg(F1, {msg_iov=[{iov_base=\"F\", iov_len=1}], " + control.formatted("F2, FD") + "}, 0) = 1",
                "recvmsg(F2, {msg_iov=[{iov_base=\"F\", iov_len=1}], " + control.formatted("F3") + "}, 0) = 1",
                "read(F3, \"x\", 1) = 1"), Strace.normalize(raw, "/tmp/x"));
    }
}
