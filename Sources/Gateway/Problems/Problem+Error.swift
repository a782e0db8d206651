/// A problem is thrown as it is: a handler or middleware that knows the exact answer throws it,
/// and `ProblemMiddleware` renders it unchanged.
extension Problem: Error {}
