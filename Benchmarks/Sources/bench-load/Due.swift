/// A request sent or waiting to be: its number in the schedule and when it was due.
struct Due {
    let number: Int
    let time: UInt64
}
