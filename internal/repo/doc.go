// Package repo has no code: its tests check the repository itself, so that
// a stranger's clone passes `make test` (no test or script reads a path
// outside the repository).
package repo
