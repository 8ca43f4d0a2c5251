import AsyncHTTPClient
import Foundation

/// Debian's nginx as the load balancer in front of several servers, on 127.0.0.1: its own directory and
/// configuration (the one docs/DEPLOY.md shows, with loopback addresses), in the foreground, stopped by its
/// process id.
struct Nginx: Sendable {
    let port: Int
    let child: ChildProcess
    let directory: URL

    var baseURL: String { "http://127.0.0.1:\(self.port)" }

    /// Debian installs it in /usr/sbin, which is not on every user's PATH.
    static var executable: String? {
        ExternalTool.find("nginx") ?? ["/usr/sbin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var available: Bool { ExternalTool.required || Self.executable != nil }

    /// Starts nginx balancing over `upstreams` (ports on 127.0.0.1) and waits until it answers.
    static func start(upstreams: [Int]) async throws -> Nginx {
        guard let executable = Self.executable else { throw ExternalTool.Missing(name: "nginx") }
        let directory = try makeTemporaryDirectory("leadlight-nginx")
        // run as root (CI), nginx's workers are `nobody`: they must reach the directory
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        let port = try LoopbackAddress.freePort()
        let configuration = directory.appendingPathComponent("nginx.conf")
        try Self.configuration(listening: port, upstreams: upstreams, directory: directory)
            .write(to: configuration, atomically: true, encoding: .utf8)
        let child = try ChildProcess.spawn(
            executable,
            ["-p", directory.path, "-c", configuration.path, "-e", directory.appendingPathComponent("error.log").path],
            environment: ProcessInfo.processInfo.environment, stderr: .file(directory.appendingPathComponent("out.log"))
        )
        let nginx = Nginx(port: port, child: child, directory: directory)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let request = HTTPClientRequest(url: "\(nginx.baseURL)/healthz")
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)),
                response.status == .ok
            {
                return nginx
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = nginx.errorLog
        await nginx.stop()
        throw StartFailure(log: log)
    }

    /// The configuration docs/DEPLOY.md recommends, on loopback addresses and with files in `directory`; each
    /// answer also names the server that gave it (`X-Upstream`), for the tests.
    static func configuration(listening port: Int, upstreams: [Int], directory: URL) -> String {
        let servers = upstreams.map { "        server 127.0.0.1:\($0) max_fails=1 fail_timeout=2s;" }
        return """
            daemon off;
            worker_processes 1;
            pid \(directory.path)/nginx.pid;
            error_log \(directory.path)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(directory.path)/body;
                proxy_temp_path \(directory.path)/proxy;
                fastcgi_temp_path \(directory.path)/fastcgi;
                uwsgi_temp_path \(directory.path)/uwsgi;
                scgi_temp_path \(directory.path)/scgi;
                upstream leadlight {
            \(servers.joined(separator: "\n"))
                    keepalive 32;
                }
                server {
                    listen 127.0.0.1:\(port);
                    client_max_body_size 16m;
                    client_body_buffer_size 1m;
                    location / {
                        proxy_pass http://leadlight;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $http_host;
                        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                        proxy_set_header X-Forwarded-Proto $scheme;
                        proxy_next_upstream error timeout;
                        proxy_connect_timeout 2s;
                        proxy_read_timeout 60s;
                        add_header X-Upstream $upstream_addr always;
                    }
                }
            }

            """
    }

    var errorLog: String {
        (try? String(contentsOf: self.directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
    }

    /// SIGQUIT: nginx's graceful stop.
    func stop() async {
        self.child.signal(SIGQUIT)
        _ = await self.child.exitStatus()
        try? FileManager.default.removeItem(at: self.directory)
    }

    struct StartFailure: Error, CustomStringConvertible {
        var log: String
        var description: String { "nginx did not start:\n\(self.log)" }
    }
}
