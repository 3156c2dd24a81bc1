// node icone.mjs SPRITES.svg ROOT > ICONS.svg
//
// Writes the sprite sheet with only the icons our templates draw, the names
// in {{sprite "it-…"}}: 12 of the package's 179 symbols, 2 KB of its 94 KB.
// Each <symbol> is copied as it is; the symbols refer to nothing outside
// themselves. static.Sprite panics on an icon the sheet lacks, so a template
// drawing a new icon fails the render tests until this runs again.
import fs from 'fs'
import path from 'path'

const [foglio, radice] = process.argv.slice(2)
const nomi = new Set()
const visita = (cartella) => {
  for (const voce of fs.readdirSync(cartella, { withFileTypes: true })) {
    const p = path.join(cartella, voce.name)
    if (voce.isDirectory()) visita(p)
    else if (p.endsWith('.html')) {
      for (const m of fs.readFileSync(p, 'utf8').matchAll(/\{\{-?\s*sprite\s+"([^"]+)"/g)) nomi.add(m[1])
    }
  }
}
visita(path.join(radice, 'views'))
const testo = fs.readFileSync(foglio, 'utf8')
const simboli = new Map([...testo.matchAll(/<symbol\b[^>]*\bid="([^"]+)"[^>]*>[\s\S]*?<\/symbol>/g)].map((m) => [m[1], m[0]]))
const mancano = [...nomi].filter((n) => !simboli.has(n))
if (mancano.length) {
  console.error('icone.mjs: the sprite sheet has no ' + mancano.join(', '))
  process.exit(1)
}
process.stdout.write('<svg xmlns="http://www.w3.org/2000/svg">' + [...nomi].sort().map((n) => simboli.get(n)).join('') + '</svg>\n')
