//go:build !amd64 || purego

package qgemm

const hasAsm = false

var useAsm = false

func linearAsm(m int, a []uint8, lda int, p *Packed, zpRowSums []int32, mul, bias []float32, c []float32, ldc int) {
	LinearGeneric(m, a, lda, p, zpRowSums, mul, bias, c, ldc)
}
