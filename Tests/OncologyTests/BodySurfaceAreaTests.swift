import Testing
import Foundation
@testable import Oncology

@Suite("Body surface area")
struct BodySurfaceAreaTests {
    @Test func mosteller170cm65kg() {
        // sqrt(170 x 65 / 3600) = sqrt(11050 / 3600) = sqrt(221 / 72).
        let bsa = BodySurfaceArea.mosteller(heightCm: 170, weightKg: 65)
        #expect(abs(bsa - (221.0 / 72.0).squareRoot()) <= 1e-12)
        #expect((bsa * 1000).rounded() / 1000 == 1.752)
    }

    @Test func duBois170cm65kg() {
        // 0.007184 x 65^0.425 x 170^0.725, written as exp of logs.
        let closedForm = 0.007184 * exp(0.425 * log(65.0) + 0.725 * log(170.0))
        let bsa = BodySurfaceArea.duBois(heightCm: 170, weightKg: 65)
        #expect(abs(bsa - closedForm) <= 1e-12)
        #expect((bsa * 1000).rounded() / 1000 == 1.754)
    }

    @Test func mostellerExactSquare() {
        // 180 x 80 / 3600 = 4 -> 2 m^2.
        #expect(BodySurfaceArea.mosteller(heightCm: 180, weightKg: 80) == 2)
        #expect(BodySurfaceArea.Formula.mosteller.area(heightCm: 180, weightKg: 80) == 2)
    }

    @Test func formulaDispatch() {
        #expect(BodySurfaceArea.Formula.duBois.area(heightCm: 170, weightKg: 65)
                == BodySurfaceArea.duBois(heightCm: 170, weightKg: 65))
    }
}
