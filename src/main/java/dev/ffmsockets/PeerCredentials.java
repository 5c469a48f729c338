package dev.ffmsockets;

/**
 * The credentials of the process at the other end of a Unix-domain socket, as the kernel recorded them when
 * the connection was made: C's {@code struct ucred}, read with {@link LinuxSocketOptions#SO_PEERCRED}.
 *
 * @param pid the peer's process id
 * @param uid the peer's effective user id
 * @param gid the peer's effective group id
 */
public record PeerCredentials(int pid, int uid, int gid) {
}
