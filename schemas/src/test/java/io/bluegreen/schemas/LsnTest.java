package io.bluegreen.schemas;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LsnTest {

    @Test
    void parsesAndPrintsTheSeedsLsn() {
        Lsn lsn = Lsn.parse("0/1000FB78");
        assertEquals(0x1000FB78L, lsn.value());
        assertEquals("0/1000FB78", lsn.toString());
        assertEquals("16/B374D848", Lsn.parse("16/b374d848").toString());
    }

    @Test
    void comparesAsUnsignedAcrossTheHighHalf() {
        assertTrue(Lsn.parse("1/0").isAfter(Lsn.parse("0/FFFFFFFF")));
        assertTrue(Lsn.parse("FFFFFFFF/0").isAfter(Lsn.parse("7FFFFFFF/FFFFFFFF")));
        assertEquals(0, Lsn.parse("0/5000000").compareTo(Lsn.parse("0/05000000")));
        assertEquals(256, Lsn.parse("0/5000100").minus(Lsn.parse("0/5000000")));
    }

    @Test
    void rejectsTextThatIsNotAnLsnNamingIt() {
        for (String bad : new String[]{"", "0", "/1", "1/", "x/1", "0/123456789", "123456789/0", "0/-1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lsn.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void nullStaysNull() {
        assertEquals(null, Lsn.parseNullable(null));
    }
}
