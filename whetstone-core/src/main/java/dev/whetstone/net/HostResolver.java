package dev.whetstone.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Name resolution for outbound fetches; replaceable so tests can answer as a hostile DNS server would. */
@FunctionalInterface
public interface HostResolver {
    HostResolver SYSTEM = InetAddress::getAllByName;

    /** Every address of {@code host} (a name or an IP literal, IPv6 without brackets). */
    InetAddress[] resolve(String host) throws UnknownHostException;
}
