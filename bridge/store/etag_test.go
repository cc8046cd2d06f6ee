package store

import "testing"

func TestEtagSame(t *testing.T) {
	fp := Fingerprint{Size: 10, ModTime: 1700000000000000000, Inode: 42}
	touched := Fingerprint{Size: 10, ModTime: 1700000000000000001, Inode: 42}
	tests := []struct {
		a, b Etag
		want bool
	}{
		{fileEtag(fp, ""), fileEtag(fp, "abc"), true},          // List vs Get of one version
		{fileEtag(fp, "abc"), fileEtag(touched, "abc"), true},  // touched, same content
		{fileEtag(fp, "abc"), fileEtag(touched, "def"), false}, // edited
		{fileEtag(fp, ""), fileEtag(touched, ""), false},       // stat moved, content unknown
		{hashEtag("abc"), hashEtag("abc"), true},
		{hashEtag("abc"), hashEtag("abd"), false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := tt.a.Same(tt.b); got != tt.want {
			t.Errorf("%q.Same(%q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := tt.b.Same(tt.a); got != tt.want {
			t.Errorf("%q.Same(%q) = %v, want %v (not symmetric)", tt.b, tt.a, got, tt.want)
		}
	}
}
