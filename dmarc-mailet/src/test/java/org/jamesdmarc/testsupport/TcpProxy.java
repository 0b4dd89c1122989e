package org.jamesdmarc.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy on a loopback port in front of a real database server, which a test cuts and restores. Cut, every
 * proxied connection is closed and each new one is reset at once, as when the database host goes away. It keeps
 * listening on its port meanwhile (a port given up could be taken by another process's connection, on a busy
 * machine), so one JDBC URL names it throughout. {@link #blackHole()} instead keeps every connection open and
 * swallows what either side sends, as a database host that stops answering without closing anything (a firewall
 * dropping packets, a hung server).
 */
public final class TcpProxy implements AutoCloseable {

    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();
    private boolean cut;
    private volatile boolean blackHole;

    /** A proxy to 127.0.0.1:{@code targetPort}, created cut. */
    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.cut = true;
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Forwards new connections. */
    public synchronized void open() {
        cut = false;
        blackHole = false;
    }

    /** Keeps every connection, new ones too, open and forwards nothing any more: bytes are read and dropped. */
    public synchronized void blackHole() {
        cut = false;
        blackHole = true;
    }

    /** Closes every proxied connection and resets new ones. */
    public synchronized void cut() throws IOException {
        cut = true;
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                synchronized (this) {
                    if (cut) {
                        client.setSoLinger(true, 0); // a reset, as from a host that has gone away
                        client.close();
                        continue;
                    }
                    if (blackHole) {
                        sockets.add(client);
                        swallow(client);
                        continue;
                    }
                }
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                synchronized (this) {
                    sockets.add(client);
                    sockets.add(upstream);
                }
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (!blackHole) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the other side or cut() closed it
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void swallow(Socket client) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = client.getInputStream()) {
                while (in.read(buffer) >= 0) {
                    // dropped
                }
            } catch (IOException e) {
                // closed by the client or by cut()/close()
            }
        }, "tcp-proxy-black-hole");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
