package store

import "strings"

// PhoneText is a phone number as the desk shows it: the rosters hold them
// as each secretariat typed them ("433 97 912", "49358968",
// "+47 92079212", "0706163032"), and a list to phone down reads better in
// one form. Norwegian numbers (eight digits, with or without +47 or
// 0047) are grouped as Norwegians write them: mobiles (4 and 9) 3-2-3,
// others 2-2-2-2; Swedish mobiles (07 and eight more digits, or +46 7)
// as 070-616 30 32. Anything else (a landline with an area code, a
// foreign number, a note) is shown as typed: a guess could mislead.
func PhoneText(raw string) string {
	s := strings.TrimSpace(raw)
	var digits strings.Builder
	plus := strings.HasPrefix(s, "+")
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0' || (r == '+' && i == 0):
		default:
			return raw
		}
	}
	d := digits.String()
	switch {
	case plus && strings.HasPrefix(d, "47") && len(d) == 10:
		return "+47 " + norwegian(d[2:])
	case !plus && strings.HasPrefix(d, "0047") && len(d) == 12:
		return "+47 " + norwegian(d[4:])
	case !plus && len(d) == 8 && d[0] != '0':
		return norwegian(d)
	case plus && strings.HasPrefix(d, "467") && len(d) == 11:
		return "+46 " + d[2:4] + " " + d[4:7] + " " + d[7:9] + " " + d[9:]
	case !plus && strings.HasPrefix(d, "07") && len(d) == 10:
		return d[:3] + "-" + d[3:6] + " " + d[6:8] + " " + d[8:]
	}
	return raw
}

// norwegian groups eight digits: mobiles 3-2-3, others 2-2-2-2.
func norwegian(d string) string {
	if d[0] == '4' || d[0] == '9' {
		return d[:3] + " " + d[3:5] + " " + d[5:]
	}
	return d[:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:]
}
