package gen

import (
	"strconv"
	"strings"
	"time"
)

// contactCard is the vCard-like shared contact all three formats carry.
type contactCard struct {
	Addresses []cardAddress `json:"addresses,omitempty"`
	Birthday  string        `json:"birthday,omitempty"`
	Emails    []cardEmail   `json:"emails,omitempty"`
	Name      cardName      `json:"name"`
	Org       *cardOrg      `json:"org,omitempty"`
	Phones    []cardPhone   `json:"phones,omitempty"`
	URLs      []cardURL     `json:"urls,omitempty"`
}

type cardAddress struct {
	Street      string `json:"street,omitempty"`
	City        string `json:"city,omitempty"`
	State       string `json:"state,omitempty"`
	Zip         string `json:"zip,omitempty"`
	Country     string `json:"country,omitempty"`
	CountryCode string `json:"country_code,omitempty"`
	Type        string `json:"type,omitempty"`
}

type cardEmail struct {
	Email string `json:"email"`
	Type  string `json:"type,omitempty"`
}

type cardName struct {
	FormattedName string `json:"formatted_name"`
	FirstName     string `json:"first_name,omitempty"`
	LastName      string `json:"last_name,omitempty"`
}

type cardOrg struct {
	Company    string `json:"company,omitempty"`
	Department string `json:"department,omitempty"`
	Title      string `json:"title,omitempty"`
}

type cardPhone struct {
	Phone string `json:"phone"`
	Type  string `json:"type,omitempty"`
	WaID  string `json:"wa_id,omitempty"`
}

type cardURL struct {
	URL  string `json:"url"`
	Type string `json:"type,omitempty"`
}

var streets = [...][]string{
	pt: {"Av. Cel. Silva Telles, 977", "Rua Augusta, 1508 - Consolação", "Rua das Flores, 12, 3º andar"},
	es: {"Av. Insurgentes Sur 1602", "Calle de Alcalá, 48", "Carrera 7 # 71-21"},
	en: {"1 Hacker Way", "200 Jefferson Dr", "350 5th Ave, Suite 21"},
}

func (g *Generator) street(c *country) string { return g.pick(streets[c.lang]) }

// cards returns one or two contact cards, as a user shares them.
func (g *Generator) cards(home *country) []contactCard {
	n := 1
	if g.chance(0.2) {
		n = 2
	}
	out := make([]contactCard, 0, n)
	for range n {
		p := g.user(home)
		first, last, _ := strings.Cut(p.name, " ")
		card := contactCard{Name: cardName{FormattedName: p.name, FirstName: first, LastName: last}}
		card.Phones = []cardPhone{{Phone: formatPhone(p), Type: g.pick([]string{"CELL", "HOME", "WORK", "MAIN", "IPHONE"})}}
		if g.chance(0.8) {
			card.Phones[0].WaID = p.phone
		}
		if g.chance(0.5) {
			user := strings.ToLower(strings.NewReplacer(" ", ".", "'", "").Replace(asciiFold(p.name)))
			card.Emails = []cardEmail{{Email: user + "@example.com", Type: "HOME"}}
		}
		if g.chance(0.4) {
			card.Addresses = []cardAddress{{Street: g.street(p.country), City: g.pick(p.country.cities),
				Zip: g.digits(5), Country: p.country.name, CountryCode: strings.ToLower(p.country.iso), Type: "HOME"}}
		}
		if g.chance(0.3) {
			d := time.Date(1950+g.rng.IntN(55), time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
			card.Birthday = d.Format("2006-01-02")
		}
		if g.chance(0.3) {
			card.Org = &cardOrg{Company: g.pick([]string{"Padaria Pão Quente", "Taller Núñez", "Acme & Sons"}), Title: g.pick([]string{"Gerente", "Owner", "Diseñadora"})}
		}
		if g.chance(0.2) {
			card.URLs = []cardURL{{URL: "https://www." + g.pick(hosts), Type: "WORK"}}
		}
		out = append(out, card)
	}
	return out
}

// formatPhone writes p's number as people type it in a contact card.
func formatPhone(u user) string {
	n := u.phone[len(u.country.cc):]
	switch len(n) {
	case 11: // +55 11 98765-4321
		n = n[:2] + " " + n[2:7] + "-" + n[7:]
	case 10: // +1 650 555-1234
		n = n[:3] + " " + n[3:6] + "-" + n[6:]
	case 9: // +34 612 345 678
		n = n[:3] + " " + n[3:6] + " " + n[6:]
	}
	return "+" + u.country.cc + " " + n
}

// asciiFold drops the accents of the letters used in the names, for
// e-mail addresses. (A loop rather than a strings.Replacer built at
// start-up: package init stays free.)
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case 'á', 'à', 'â', 'ã':
			r = 'a'
		case 'é', 'ê':
			r = 'e'
		case 'í':
			r = 'i'
		case 'ó', 'ô', 'õ':
			r = 'o'
		case 'ú':
			r = 'u'
		case 'ç':
			r = 'c'
		case 'ñ':
			r = 'n'
		case 'Á':
			r = 'A'
		case 'É':
			r = 'E'
		case 'Í':
			r = 'I'
		case 'Ó':
			r = 'O'
		case 'Ú':
			r = 'U'
		case 'Ñ':
			r = 'N'
		case 'Ç':
			r = 'C'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
