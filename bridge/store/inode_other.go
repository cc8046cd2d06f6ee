//go:build !unix

package store

import "io/fs"

// inode is unknown here (Windows needs an open handle for the file index):
// fingerprints rely on size and modification time alone.
func inode(fs.FileInfo) uint64 { return 0 }
