/**
 * Fault injection for users' own tests: make chosen calls of this library fail, or move fewer bytes, on demand —
 * the {@code EINTR}, short write, {@code ECONNRESET}, {@code EPIPE} and {@code EMFILE} that error-handling code meets
 * in production and no test can otherwise cause. See {@link dev.ffmsockets.faults.Faults}.
 */
package dev.ffmsockets.faults;
