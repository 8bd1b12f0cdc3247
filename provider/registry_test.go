package provider

import (
	"reflect"
	"testing"
)

func TestParams(t *testing.T) {
	tests := []struct {
		spec string
		want Param
	}{
		{"pattern", Param{Name: "pattern"}},
		{"missing_ok?", Param{Name: "missing_ok", Optional: true}},
		{"url:string", Param{Name: "url", Type: "string"}},
		{"timeout?:number", Param{Name: "timeout", Optional: true, Type: "number"}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got := FuncInfo{Arguments: []string{tt.spec}}.Params()
			if len(got) != 1 || !reflect.DeepEqual(got[0], tt.want) {
				t.Errorf("Params() = %+v, want %+v", got, tt.want)
			}
		})
	}
	if got := (FuncInfo{}).Params(); len(got) != 0 {
		t.Errorf("no arguments gave %+v", got)
	}
}
