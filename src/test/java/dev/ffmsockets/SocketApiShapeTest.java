package dev.ffmsockets;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A static method of {@link Socket} (a factory: {@code open}, {@code pair}, {@code adopt}, {@code openConnected})
 * never shares its name with an instance method: Java lets a static method be called through an instance, so
 * {@code s.connect("127.0.0.1", port, timeout)} would compile, make a second socket and leave {@code s} unconnected.
 */
class SocketApiShapeTest {

    @Test
    void noStaticMethodOfSocketIsNamedAsAnInstanceMethod() {
        Method[] methods = Socket.class.getMethods();
        Set<String> instance = Arrays.stream(methods).filter(m -> !Modifier.isStatic(m.getModifiers()))
                .map(Method::getName).collect(Collectors.toSet());
        Set<String> clashing = Arrays.stream(methods).filter(m -> Modifier.isStatic(m.getModifiers()))
                .map(Method::getName).filter(instance::contains).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), clashing, "static methods of Socket named as its instance methods");
    }
}
