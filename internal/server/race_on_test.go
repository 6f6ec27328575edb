//go:build race

package server_test

// raceDetector is true when the tests run under -race, whose shadow memory
// makes resident-size figures meaningless.
const raceDetector = true
