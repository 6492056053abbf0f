package mototest

import (
	"testing"
	"time"
)

func TestStatCPU(t *testing.T) {
	tests := []struct {
		name    string
		stat    string
		want    time.Duration
		wantErr bool
	}{
		{
			name: "python process",
			stat: "16398 (python) S 1 16398 16398 0 -1 4194560 95083 0 0 0 457 32 0 0 20 0 3 0 5092421 1219883008 50012 18446744073709551615",
			want: 4890 * time.Millisecond,
		},
		{
			name: "command name with spaces and parentheses",
			stat: "7 (moto (x) srv) R 1 7 7 0 -1 0 0 0 0 0 100 200 0 0 20 0 1 0 1 1 1 1",
			want: 3 * time.Second,
		},
		{name: "no command name", stat: "7 moto R 1", wantErr: true},
		{name: "too few fields", stat: "7 (moto) R 1 7 7 0 -1 0 0 0 0 0 100", wantErr: true},
		{name: "not a number", stat: "7 (moto) R 1 7 7 0 -1 0 0 0 0 0 1x 200 0", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := statCPU([]byte(tt.stat))
			if (err != nil) != tt.wantErr {
				t.Fatalf("statCPU error = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("statCPU = %s, want %s", got, tt.want)
			}
		})
	}
}
