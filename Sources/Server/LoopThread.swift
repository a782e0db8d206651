import CSystem
import Glibc

/// A joinable POSIX thread running one closure; event loops each get one.
final class LoopThread: Sendable {
    private let handle: pthread_t

    private final class Box: Sendable {
        let name: String
        let body: @Sendable () -> Void
        init(name: String, body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }

    init(name: String, _ body: @escaping @Sendable () -> Void) throws(IOError) {
        let box = Unmanaged.passRetained(Box(name: name, body: body))
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.name.withCString { cs_set_thread_name($0) }
            box.body()
            return nil
        }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw IOError("pthread_create", errno: rc)
        }
        handle = thread
    }

    func join() {
        pthread_join(handle, nil)
    }
}
