package dev.ffmsockets.samples.cstyle;

import dev.ffmsockets.raw.cmsghdr;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.raw.sockaddr_un;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** native/fd_pass_client.c, line by line in the C-style API. usage: FdPassClient PATH MESSAGE */
public final class FdPassClient {
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: FdPassClient PATH MESSAGE");
            System.exit(2);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(1024);

            int sockfd = socket(AF_UNIX, SOCK_STREAM, 0);
            if (sockfd < 0) { perror("socket"); System.exit(1); }

            MemorySegment addr = sockaddr_un.allocate(arena);
            addr.fill((byte) 0);
            sockaddr_un.sun_family(addr, (short) AF_UNIX);
            MemorySegment path = arena.allocateFrom(args[0]);
            if (path.byteSize() - 1 >= sockaddr_un.sun_path(addr).byteSize()) { System.err.println("path too long: " + args[0]); System.exit(1); }
            MemorySegment.copy(path, 0, sockaddr_un.sun_path(addr), 0, path.byteSize() - 1);

            if (connect(sockfd, addr, (int) sockaddr_un.sizeof()) < 0) { perror("connect"); System.exit(1); }
            MemorySegment message = arena.allocateFrom(args[1]);
            if (write(sockfd, message, message.byteSize() - 1) < 0) { perror("write"); System.exit(1); }

            MemorySegment oneByte = arena.allocate(1);
            MemorySegment iov = iovec.allocate(arena);
            iovec.iov_base(iov, oneByte);
            iovec.iov_len(iov, 1);
            MemorySegment control = arena.allocate(CMSG_SPACE(Integer.BYTES), 8);
            control.fill((byte) 0);
            MemorySegment msg = msghdr.allocate(arena);
            msg.fill((byte) 0);
            msghdr.msg_iov(msg, iov);
            msghdr.msg_iovlen(msg, 1);
            msghdr.msg_control(msg, control);
            msghdr.msg_controllen(msg, control.byteSize());
            long n = recvmsg(sockfd, msg, 0);
            if (n < 0) { perror("recvmsg"); System.exit(1); }
            MemorySegment cmsg = CMSG_FIRSTHDR(msg);
            if (n != 1 || cmsg.equals(MemorySegment.NULL) || cmsghdr.cmsg_level(cmsg) != SOL_SOCKET
                    || cmsghdr.cmsg_type(cmsg) != SCM_RIGHTS || (msghdr.msg_flags(msg) & MSG_CTRUNC) != 0) {
                System.err.println("no descriptor received");
                System.exit(1);
            }
            int fd = CMSG_DATA(cmsg).get(JAVA_INT, 0);

            while ((n = read(fd, buf, buf.byteSize())) > 0) {
                System.out.write(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), 0, (int) n);
            }
            System.out.flush();
            if (n < 0) { perror("read"); System.exit(1); }
            close(fd);
            close(sockfd);
        }
    }
}
