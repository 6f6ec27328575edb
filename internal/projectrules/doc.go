// Package projectrules holds tests of the project's structure: layering
// between packages and package documentation. It has no code of its own.
package projectrules
