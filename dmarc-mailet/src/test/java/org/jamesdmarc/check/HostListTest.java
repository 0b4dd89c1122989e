package org.jamesdmarc.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class HostListTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void addressesBlocksAndNames() throws Exception {
        HostList list = HostList.parse("""
                # relays
                10.0.0.0/8, 192.0.2.7
                ::1
                relay.example.com
                .internal.example.org
                """);
        assertThat(list.matches(ip("10.20.30.40"), "")).isTrue();
        assertThat(list.matches(ip("192.0.2.7"), "")).isTrue();
        assertThat(list.matches(ip("192.0.2.8"), "")).isFalse();
        assertThat(list.matches(ip("::1"), "")).isTrue();
        assertThat(list.matches(ip("127.0.0.2"), "Relay.Example.COM.")).isTrue();
        assertThat(list.matches(ip("127.0.0.2"), "a.b.internal.example.org")).isTrue();
        assertThat(list.matches(ip("127.0.0.2"), "internal.example.org")).isFalse();
        assertThat(list.matches(ip("127.0.0.2"), "evilrelay.example.com")).isFalse();
    }

    @Test
    void exclamationMarkExcludes() throws Exception {
        HostList list = HostList.parse("10.0.0.0/8\n!10.1.2.3\n.example.com, !mx.example.com");
        assertThat(list.matches(ip("10.1.2.4"), "")).isTrue();
        assertThat(list.matches(ip("10.1.2.3"), "")).isFalse();
        assertThat(list.containsAddress(ip("10.1.2.3"))).isFalse();
        assertThat(list.matches(ip("127.0.0.2"), "a.example.com")).isTrue();
        assertThat(list.matches(ip("127.0.0.2"), "mx.example.com")).isFalse();
        assertThat(list.entries()).containsExactly("10.0.0.0/8", "!10.1.2.3", ".example.com", "!mx.example.com");
    }

    @Test
    void badEntriesAreNamed() {
        assertThatThrownBy(() -> HostList.parse("10.0.0.0/33, exa mple.com, ok.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("10.0.0.0/33")
                .hasMessageContaining("exa mple.com");
    }

    @Test
    void emptyListMatchesNothing() throws Exception {
        assertThat(HostList.parse("# nothing\n\n").isEmpty()).isTrue();
        assertThat(HostList.empty().matches(ip("127.0.0.1"), "localhost")).isFalse();
    }
}
