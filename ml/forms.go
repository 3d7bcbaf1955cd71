package ml

import (
	"fmt"
	"math"
	"strings"
)

// Text and table forms of the types a notebook cell may show as its result.
// Every such type has a String method written for people (fmt and terminals
// use it) and, where rows and columns say more, a Table method (the notebook
// shows a table); a History is drawn with its curves by the display package.

// String describes one epoch on one line, e.g.
// "epoch 3/30: loss 0.1234  accuracy 0.9600  val_loss 0.1300  val_accuracy 0.9500  lr 0.001  1.2s".
func (s EpochStats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %d/%d: loss %s", s.Epoch, s.Epochs, formatMetric(s.Loss))
	for _, k := range sortedKeys(s.Metrics) {
		fmt.Fprintf(&b, "  %s %s", k, formatMetric(s.Metrics[k]))
	}
	if !math.IsNaN(s.ValLoss) {
		fmt.Fprintf(&b, "  val_loss %s", formatMetric(s.ValLoss))
	}
	for _, k := range sortedKeys(s.ValMetrics) {
		fmt.Fprintf(&b, "  val_%s %s", k, formatMetric(s.ValMetrics[k]))
	}
	fmt.Fprintf(&b, "  lr %g  %s", s.LR, roundDuration(s.Elapsed))
	return b.String()
}

// String gives one class's scores on one line.
func (s ClassStats) String() string {
	return fmt.Sprintf("precision %.4f  recall %.4f  f1 %.4f  support %d  predicted %d", s.Precision, s.Recall, s.F1, s.Support, s.Predicted)
}

// Table lists the layers with their parameter counts and the total, for a
// display table (Summary adds output shapes for a given input).
func (m *Model) Table() (columns []string, rows [][]any) {
	for i, l := range m.layers {
		name := strings.ReplaceAll(l.String(), "\n", " ")
		if sub, ok := l.(*Model); ok {
			name = fmt.Sprintf("Sequential(%d layers)", len(sub.layers))
		}
		rows = append(rows, []any{i, name, layerParamCount(l)})
	}
	rows = append(rows, []any{"", "total", m.NumParams()})
	return []string{"#", "layer", "parameters"}, rows
}

// String summarises the samples, e.g.
// "TextSamples: 270 texts, 6 classes (English, German, French, ...)".
func (s TextSamples) String() string {
	classes := len(s.ClassNames)
	for _, l := range s.Labels {
		classes = max(classes, l+1)
	}
	out := fmt.Sprintf("TextSamples: %d texts, %d classes", len(s.Texts), classes)
	if len(s.ClassNames) > 0 {
		names := s.ClassNames
		suffix := ""
		if len(names) > 8 {
			names, suffix = names[:8], ", ..."
		}
		out += " (" + strings.Join(names, ", ") + suffix + ")"
	}
	return out
}

// Table returns one row per sample, the text and its label (the class name
// when there is one), for a display table.
func (s TextSamples) Table() (columns []string, rows [][]any) {
	for i, text := range s.Texts {
		var label any
		if i < len(s.Labels) {
			label = s.Labels[i]
			if l := s.Labels[i]; l >= 0 && l < len(s.ClassNames) {
				label = s.ClassNames[l]
			}
		}
		rows = append(rows, []any{text, label})
	}
	return []string{"text", "label"}, rows
}

// String says where the iterator is, e.g. "BatchIter: batch 3 of 10 (batches of 32, shuffled)".
func (it *BatchIter) String() string {
	order := "in order"
	if it.shuffle {
		order = "shuffled"
	}
	return fmt.Sprintf("BatchIter: batch %d of %d (batches of %d, %s)", it.next, it.Len(), it.size, order)
}
