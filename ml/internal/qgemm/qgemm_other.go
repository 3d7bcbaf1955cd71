//go:build !amd64 || purego

package qgemm

const hasAsm = false

var useAsm = false

func linearAsm(m int, a []uint8, lda int, p *Packed, zp int32, sx float32, c []float32, ldc int) {
	LinearGeneric(m, a, lda, p, zp, sx, c, ldc)
}

func rangeAVX2(x *float32, n int, lanes *[24]float32)             { panic("qgemm: no AVX2") }
func quantizeAVX2(x *float32, n int, inv, zp float32, dst *uint8) { panic("qgemm: no AVX2") }

// SetVNNI does nothing in this build and returns false.
func SetVNNI(bool) bool { return false }

// HasVNNI reports false: this build has no assembly kernels.
func HasVNNI() bool { return false }

var useVNNI = false
