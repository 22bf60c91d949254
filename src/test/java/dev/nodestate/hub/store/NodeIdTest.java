package dev.nodestate.hub.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NodeIdTest {

    @Test
    void aMethodIdFormatsAsFileThenQualifiedNameAndParsesBack() {
        NodeId id = NodeId.of("pkg/mod.py", "Foo.bar");
        assertEquals("pkg/mod.py::Foo.bar", id.toString());
        assertEquals("node:pkg/mod.py::Foo.bar", id.key());
        assertEquals(id, NodeId.parse("pkg/mod.py::Foo.bar"));
        assertEquals(id, NodeId.fromKey("node:pkg/mod.py::Foo.bar"));
    }

    @Test
    void javaOverloadsKeepTheirParameterTypes() {
        NodeId a = NodeId.of("src/Foo.java", "Foo").child("bar(int,String)");
        NodeId b = NodeId.of("src/Foo.java", "Foo").child("bar(java.util.List<String>)");
        assertEquals("src/Foo.java::Foo.bar(int,String)", a.toString());
        assertEquals(b, NodeId.parse(b.toString()));
        assertTrue(!a.equals(b));
    }

    @Test
    void theModuleNodeIsTheBareFilePath() {
        NodeId module = NodeId.module("pkg/mod.py");
        assertTrue(module.isModule());
        assertEquals("pkg/mod.py", module.toString());
        assertEquals(module, NodeId.parse("pkg/mod.py"));
        assertEquals("pkg/mod.py::Foo", module.child("Foo").toString());
        assertEquals("node:pkg/mod.py", NodeId.keyOf("pkg/mod.py"));
    }

    @Test
    void absoluteOrEscapingOrBackslashPathsAreRefusedWithTheBadValue() {
        for (String bad : new String[] {"/abs/mod.py", "../up.py", "a/../b.py", "a\\b.py", "./a.py", ""}) {
            var e = assertThrows(IllegalArgumentException.class, () -> NodeId.module(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void aStoreKeyPassedAsAnIdIsRefusedWithAHint() {
        var e = assertThrows(IllegalArgumentException.class, () -> NodeId.parse("node:a.py::f"));
        assertTrue(e.getMessage().contains("without 'node:'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeId.fromKey("a.py::f"));
    }
}
