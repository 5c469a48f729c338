package dev.ffmsockets.samples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a program under {@code strace} and reduces what it saw to the socket system calls of the program, in a
 * form where a C sample and its Java port can be compared line for line.
 *
 * <p>What is traced: the socket calls, plus {@code close}, {@code read} and {@code write}, of every thread
 * ({@code strace -f}). What is kept: for a Java program, only what its own thread did after
 * {@link Traced#MARKER} (the JVM's start and its other threads are not the program); then only the calls that
 * make a socket or use one (a descriptor received in {@code SCM_RIGHTS} counts as made by the {@code recvmsg}).
 * What is made equal: descriptor numbers (named {@code F1}, {@code F2}, ... in the order the sockets are made, and
 * {@code FD} for a descriptor that is not a socket, in {@code SCM_RIGHTS}), port numbers other than 0 (ephemeral),
 * and the temporary directory. Everything else — the
 * calls, their order, flags, families, option values, lengths and the bytes — must match.
 */
public final class Strace {

    static final String CALLS = "socket,socketpair,bind,listen,accept,accept4,connect,getsockname,getpeername,"
            + "setsockopt,getsockopt,sendto,recvfrom,sendmsg,recvmsg,sendmmsg,recvmmsg,shutdown,close,read,write";

    private static final Pattern LINE = Pattern.compile("^(\\d+)\\s+(.*)$");
    private static final Pattern RESUMED = Pattern.compile("^<\\.\\.\\. (\\w+) resumed>(.*)$");
    private static final Pattern CALL = Pattern.compile("^(\\w+)\\((-?\\d+)?(.*)\\)\\s+=\\s+(.*)$");
    private static final Pattern PAIR = Pattern.compile("\\[(\\d+), (\\d+)\\]");
    private static final Pattern PORT = Pattern.compile("htons\\((\\d+)\\)");
    private static final Pattern RIGHTS = Pattern.compile("(cmsg_type=SCM_RIGHTS, cmsg_data=\\[)([\\d, ]*)\\]");

    private final Path output;

    /** A trace that {@link #wrap} writes to {@code output}. */
    public Strace(Path output) {
        this.output = output;
    }

    /** {@code command} run under strace. */
    public List<String> wrap(List<String> command) {
        List<String> c = new ArrayList<>(List.of("strace", "-f", "-qq", "--seccomp-bpf", "-e", "signal=none",
                "-e", "trace=" + CALLS, "-o", output.toString(), "--"));
        c.addAll(command);
        return c;
    }

    /** The program's socket calls, normalized; {@code dir} is the temporary directory to name {@code $DIR}. */
    public List<String> calls(Path dir) throws IOException {
        return normalize(Files.readAllLines(output), dir.toString());
    }

    /** See the class description. */
    static List<String> normalize(List<String> raw, String dir) {
        record Call(String pid, String text) {
        }
        Map<String, String> unfinished = new HashMap<>();
        List<Call> calls = new ArrayList<>();
        for (String line : raw) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String pid = m.group(1), text = m.group(2);
            if (text.endsWith(" <unfinished ...>")) {
                // exactly the marker and its one space: "read(5,  <unfinished ...>" keeps "read(5, "
                unfinished.put(pid, text.substring(0, text.length() - " <unfinished ...>".length()));
                continue;
            }
            Matcher r = RESUMED.matcher(text);
            if (r.matches()) {
                text = unfinished.remove(pid) + r.group(2);
            }
            if (!text.startsWith("+++") && !text.startsWith("---")) {
                calls.add(new Call(pid, text));
            }
        }
        for (int i = 0; i < calls.size(); i++) {
            if (calls.get(i).text().startsWith(Traced.MARKER)) {
                String thread = calls.get(i).pid();
                calls = calls.subList(i + 1, calls.size()).stream().filter(c -> c.pid().equals(thread)).toList();
                break;
            }
        }
        Map<String, String> names = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        for (Call c : calls) {
            Matcher m = CALL.matcher(c.text());
            if (!m.matches()) {
                continue;
            }
            String name = m.group(1), fd = m.group(2), rest = m.group(3), result = m.group(4).trim();
            String resultNumber = result.split(" ")[0];
            boolean creates = name.equals("socket") || name.equals("accept") || name.equals("accept4");
            if (!creates && !name.equals("socketpair") && (fd == null || !names.containsKey(fd))) {
                continue; // a file, a pipe, the terminal: not a socket of the program
            }
            if (creates && !resultNumber.startsWith("-")) {
                names.put(resultNumber, "F" + (names.size() + 1));
            }
            if (name.equals("socketpair")) {
                Matcher p = PAIR.matcher(rest);
                if (p.find()) {
                    names.put(p.group(1), "F" + (names.size() + 1));
                    names.put(p.group(2), "F" + (names.size() + 1));
                    rest = rest.substring(0, p.start()) + "[" + names.get(p.group(1)) + ", " + names.get(p.group(2)) + "]"
                            + rest.substring(p.end());
                }
            }
            // descriptors in SCM_RIGHTS: a known socket by its name; one received is named as a socket made here
            boolean received = name.equals("recvmsg") && !resultNumber.startsWith("-");
            rest = RIGHTS.matcher(rest).replaceAll(mr -> {
                List<String> shown = new ArrayList<>();
                for (String n : mr.group(2).split(", ")) {
                    if (received && !names.containsKey(n)) {
                        names.put(n, "F" + (names.size() + 1));
                    }
                    shown.add(names.getOrDefault(n, "FD"));
                }
                return Matcher.quoteReplacement(mr.group(1) + String.join(", ", shown) + "]");
            });
            String first = fd == null ? "" : (name.equals("socket") ? fd : names.getOrDefault(fd, fd));
            String shownResult = creates && names.containsKey(resultNumber) ? names.get(resultNumber) + result.substring(resultNumber.length()) : result;
            String text = name + "(" + first + rest + ") = " + shownResult;
            text = PORT.matcher(text).replaceAll(mr -> mr.group(1).equals("0") ? "htons(0)" : "htons(PORT)");
            kept.add(text.replace(dir, "$DIR"));
            if (name.equals("close") && fd != null && result.equals("0")) {
                names.remove(fd);
            }
        }
        return kept;
    }

    /** The two traces side by side, differing lines marked. */
    public static String sideBySide(String leftTitle, List<String> left, String rightTitle, List<String> right) {
        int width = Math.max(leftTitle.length(), left.stream().mapToInt(String::length).max().orElse(0));
        width = Math.min(width, 64);
        StringBuilder s = new StringBuilder();
        s.append(String.format("   %-" + width + "s | %s%n", leftTitle, rightTitle));
        s.append("   ").append("-".repeat(width)).append("-+-").append("-".repeat(width)).append('\n');
        for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
            String l = i < left.size() ? left.get(i) : "";
            String r = i < right.size() ? right.get(i) : "";
            s.append(l.equals(r) ? "   " : " ! ").append(String.format("%-" + width + "s | %s%n", clip(l, width), clip(r, width)));
        }
        return s.toString();
    }

    private static String clip(String s, int width) {
        return s.length() <= width ? s : s.substring(0, width - 1) + "…";
    }
}
