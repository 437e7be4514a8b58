package io.callhook.config;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrTest {

    @Test
    void aNetworkContainsTheAddressesUnderItsPrefix() throws Exception {
        Cidr net = Cidr.parse("10.1.0.0/16");
        assertThat(net.contains(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(net.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(net.contains(InetAddress.getByName("::1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9"))).isTrue();
    }

    @Test
    void aBareAddressIsASingleHost() throws Exception {
        assertThat(Cidr.parse("192.0.2.7").prefixLength()).isEqualTo(32);
        assertThat(Cidr.parse("::1").prefixLength()).isEqualTo(128);
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db8:1::5"))).isTrue();
    }

    @Test
    void aBadNetworkSaysTheRuleAndTheValue() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/40")).hasMessage("prefix must be 0..32: 40");
        assertThatThrownBy(() -> Cidr.parse("300.0.0.1/8")).hasMessage("not a CIDR like 10.0.0.0/8: 300.0.0.1/8");
        assertThatThrownBy(() -> Cidr.parse("example.com")).hasMessage("not a CIDR like 10.0.0.0/8: example.com");
    }
}
